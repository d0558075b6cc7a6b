namespace Qwen3Onnx.Server;

/// <summary>Counters the scheduler and endpoints update; read as a snapshot by <c>GET /metrics</c>.</summary>
public sealed class ServerMetrics
{
    private long _requests;
    private long _rejected;
    private long _cancelled;
    private long _batches;
    private long _steps;
    private long _promptTokens;
    private long _completionTokens;
    private int _maxConcurrentRows;
    private int _activeRows;

    public int ActiveRows => Volatile.Read(ref _activeRows);

    public void RequestAdmitted() => Interlocked.Increment(ref _requests);

    public void RequestRejected() => Interlocked.Increment(ref _rejected);

    public void RowCancelled() => Interlocked.Increment(ref _cancelled);

    public void Step() => Interlocked.Increment(ref _steps);

    public void TokenGenerated() => Interlocked.Increment(ref _completionTokens);

    public void BatchStarted(int rows, int promptTokens)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _promptTokens, promptTokens);
        Interlocked.Add(ref _activeRows, rows);
        int seen;
        while (rows > (seen = Volatile.Read(ref _maxConcurrentRows)) && Interlocked.CompareExchange(ref _maxConcurrentRows, rows, seen) != seen)
        {
        }
    }

    public void RowFinished() => Interlocked.Decrement(ref _activeRows);

    public object Snapshot() => new
    {
        requests = Interlocked.Read(ref _requests),
        rejected = Interlocked.Read(ref _rejected),
        cancelled = Interlocked.Read(ref _cancelled),
        batches = Interlocked.Read(ref _batches),
        decode_steps = Interlocked.Read(ref _steps),
        active_rows = ActiveRows,
        max_concurrent_rows = Volatile.Read(ref _maxConcurrentRows),
        prompt_tokens = Interlocked.Read(ref _promptTokens),
        completion_tokens = Interlocked.Read(ref _completionTokens),
    };
}
