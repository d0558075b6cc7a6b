using System.Threading.Channels;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Session;

namespace Qwen3Onnx.Server;

/// <summary>
/// The single loop that owns the session and one <see cref="RunningBatch"/> (continuous batching). Between decode
/// steps, waiting requests join the running batch while it has room (--max-batch), each with its own sampling,
/// and rows that finished, were cancelled or lost their client leave it. Requests beyond the batch wait, up to
/// --max-queue, and beyond that are refused with 429. An idle loop waits for the first request plus the batch
/// window, so that requests arriving together start together. Between changes the batch decodes in the session's
/// fixed in-place buffers, as bench does. When the session keeps its cache on a device the batch cannot be
/// reshaped: newcomers then wait until the running batch drains.
/// The loop runs on its own thread: its steps block (ONNX Runtime runs), and on a thread-pool thread they would
/// starve the requests the server is parsing meanwhile on a machine with few cores.
/// </summary>
public sealed class BatchScheduler : IAsyncDisposable
{
    private readonly Channel<ScheduledRow> _queue = Channel.CreateUnbounded<ScheduledRow>();
    private readonly RunningBatch _batch;
    private readonly Dictionary<int, ScheduledRow> _running = [];
    private readonly ServerOptions _options;
    private readonly ServerMetrics _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _admitted;
    private volatile bool _draining;
    private bool _disposed;

    public BatchScheduler(Qwen3Session session, ServerOptions options, ServerMetrics metrics)
    {
        _batch = new RunningBatch(session);
        _options = options;
        _metrics = metrics;
        new Thread(RunLoop) { IsBackground = true, Name = "qwen3-onnx batch loop" }.Start();
    }

    /// <summary>True from the start of <see cref="DrainAsync"/> or disposal: new rows are refused with 503.</summary>
    public bool IsDraining => _draining;

    /// <summary>Queues a row, or throws a 429 when the batch and the queue are full (503 once a drain began).</summary>
    public ScheduledRow Submit(ScheduledRow row)
    {
        if (_draining)
        {
            throw ApiException.ShuttingDown();
        }

        if (Interlocked.Increment(ref _admitted) > _options.MaxBatch + _options.MaxQueue)
        {
            Interlocked.Decrement(ref _admitted);
            _metrics.RequestRejected();
            throw new ApiException(429, "the server is busy: batch and queue are full; retry later", type: "rate_limit_error", code: "rate_limit_exceeded");
        }

        _metrics.RequestAdmitted();
        _queue.Writer.TryWrite(row);
        return row;
    }

    /// <summary>
    /// Refuses new rows, lets the running and queued ones go on for up to <paramref name="grace"/>, then ends the rest
    /// with <see cref="ApiException.ShuttingDown"/> and stops the loop.
    /// </summary>
    public async Task DrainAsync(TimeSpan grace)
    {
        _draining = true;
        var deadline = DateTime.UtcNow + grace;
        while (Volatile.Read(ref _admitted) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }

        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _draining = true;
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await _stopped.Task;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // The loop ends by one of these when the server stops.
        }

        _stopping.Dispose();
    }

    private void RunLoop()
    {
        try
        {
            Loop();
            _stopped.SetResult();
        }
        catch (Exception ex)
        {
            _stopped.SetException(ex);
        }
    }

    private void Loop()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                if (_running.Count == 0)
                {
                    WaitForCompany(_stopping.Token);
                }

                AdmitWaiting();
                Step();
            }
        }
        finally
        {
            ShutDown();
        }
    }

    /// <summary>Waits for a request, then for the batch window so that requests arriving together start together.</summary>
    private void WaitForCompany(CancellationToken stopping)
    {
        if (!_queue.Reader.WaitToReadAsync(stopping).AsTask().GetAwaiter().GetResult())
        {
            throw new ChannelClosedException();
        }

        if (_options.MaxBatch > 1 && _options.BatchWindow > TimeSpan.Zero)
        {
            Task.Delay(_options.BatchWindow, stopping).GetAwaiter().GetResult();
        }
    }

    /// <summary>Moves waiting rows into the batch while it has room: one prefill for all of them, then a merge.</summary>
    private void AdmitWaiting()
    {
        if (_running.Count > 0 && !_batch.CanAdmitMidBatch)
        {
            return;
        }

        var newcomers = TakeWaiting(_options.MaxBatch - _running.Count);
        if (newcomers.Count == 0)
        {
            return;
        }

        _metrics.RowsAdmitted(newcomers.Count, newcomers.Sum(row => row.Prompt.Length), joiningRunningBatch: _running.Count > 0);
        IReadOnlyList<TokenEvent> first;
        try
        {
            first = _batch.Admit([.. newcomers.Select(row => row.Request)], _stopping.Token);
        }
        catch (Exception ex)
        {
            // The running rows are untouched by a failed admission; only the newcomers learn of it.
            newcomers.ForEach(row => Release(row, ex is OperationCanceledException ? ApiException.ShuttingDown() : ex));
            if (ex is OperationCanceledException)
            {
                throw;
            }

            return;
        }

        for (int i = 0; i < newcomers.Count; i++)
        {
            _running[first[i].Row] = newcomers[i];
        }

        Delivered(first);
    }

    private List<ScheduledRow> TakeWaiting(int room)
    {
        var taken = new List<ScheduledRow>();
        while (taken.Count < room && _queue.Reader.TryRead(out var row))
        {
            if (row.IsCancelled)
            {
                row.Finish(null);
                Interlocked.Decrement(ref _admitted);
                _metrics.RowCancelled();
            }
            else
            {
                taken.Add(row);
            }
        }

        return taken;
    }

    /// <summary>Drops rows whose client went away, then decodes one token for every row left.</summary>
    private void Step()
    {
        DropCancelled();
        if (_running.Count == 0)
        {
            return;
        }

        try
        {
            Delivered(_batch.Step(_stopping.Token));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            foreach (int id in _running.Keys.ToList())
            {
                Leave(id, ex);
            }
        }
    }

    private void DropCancelled()
    {
        foreach (int id in _running.Where(pair => pair.Value.IsCancelled).Select(pair => pair.Key).ToList())
        {
            _metrics.RowCancelled();
            Leave(id, null);
        }
    }

    /// <summary>Hands one forward step's tokens to their rows; a row whose last token this was leaves the batch.</summary>
    private void Delivered(IReadOnlyList<TokenEvent> tokens)
    {
        _metrics.Step();
        foreach (var token in tokens)
        {
            _metrics.TokenGenerated();
            if (_running[token.Row].Deliver(token))
            {
                _batch.Remove(token.Row);
                _running.Remove(token.Row);
                ReleaseAdmission();
            }
        }

        _options.AfterStep?.Invoke(tokens.Count);
    }

    private void Leave(int id, Exception? error)
    {
        _batch.Remove(id);
        Release(_running[id], error);
        _running.Remove(id);
    }

    private void ShutDown()
    {
        foreach (int id in _running.Keys.ToList())
        {
            Leave(id, ApiException.ShuttingDown());
        }

        while (_queue.Reader.TryRead(out var waiting))
        {
            waiting.Finish(ApiException.ShuttingDown());
        }

        _batch.Dispose();
    }

    private void Release(ScheduledRow row, Exception? error)
    {
        row.Finish(error);
        ReleaseAdmission();
    }

    private void ReleaseAdmission()
    {
        Interlocked.Decrement(ref _admitted);
        _metrics.RowFinished();
    }
}
