using Qwen3Onnx.Runtime.Generation;

namespace Qwen3Onnx.Server;

/// <summary>Counters the engine updates as it works; read as a snapshot by <c>GET /metrics</c>.</summary>
public sealed class ServerMetrics : IEngineObserver
{
    private long _requests;
    private long _rejected;
    private long _cancelled;
    private long _batches;
    private long _steps;
    private long _promptTokens;
    private long _completionTokens;
    private long _midBatchAdmissions;
    private long _rowsJoinedMidBatch;
    private int _maxConcurrentRows;
    private int _activeRows;

    public int ActiveRows => Volatile.Read(ref _activeRows);

    public void RequestQueued() => Interlocked.Increment(ref _requests);

    public void RequestRejected() => Interlocked.Increment(ref _rejected);

    public void RowCancelled() => Interlocked.Increment(ref _cancelled);

    public void Step() => Interlocked.Increment(ref _steps);

    public void TokenGenerated() => Interlocked.Increment(ref _completionTokens);

    public void RowsAdmitted(int rows, int promptTokens, bool joiningRunningBatch)
    {
        if (joiningRunningBatch)
        {
            Interlocked.Increment(ref _midBatchAdmissions);
            Interlocked.Add(ref _rowsJoinedMidBatch, rows);
        }
        else
        {
            Interlocked.Increment(ref _batches);
        }

        Interlocked.Add(ref _promptTokens, promptTokens);
        int active = Interlocked.Add(ref _activeRows, rows);
        int seen;
        while (active > (seen = Volatile.Read(ref _maxConcurrentRows)) && Interlocked.CompareExchange(ref _maxConcurrentRows, active, seen) != seen)
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
        mid_batch_admissions = Interlocked.Read(ref _midBatchAdmissions),
        rows_joined_mid_batch = Interlocked.Read(ref _rowsJoinedMidBatch),
        decode_steps = Interlocked.Read(ref _steps),
        active_rows = ActiveRows,
        max_concurrent_rows = Volatile.Read(ref _maxConcurrentRows),
        prompt_tokens = Interlocked.Read(ref _promptTokens),
        completion_tokens = Interlocked.Read(ref _completionTokens),
    };
}
