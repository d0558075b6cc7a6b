using System.Threading.Channels;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Session;

namespace Qwen3Onnx.Server;

/// <summary>
/// The single loop that owns the session. Requests that arrive together (within the batch window) are decoded
/// together, up to --max-batch rows, each with its own sampling; the rest wait, up to --max-queue, and beyond
/// that are refused with 429. A running batch admits no newcomers: the next batch starts when it drains (finished
/// and cancelled rows stop emitting at the next step and release their admission at once).
/// </summary>
public sealed class BatchScheduler : IAsyncDisposable
{
    private readonly Channel<ScheduledRow> _queue = Channel.CreateUnbounded<ScheduledRow>();
    private readonly TokenGenerator _generator;
    private readonly ServerOptions _options;
    private readonly ServerMetrics _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _admitted;

    public BatchScheduler(Qwen3Session session, ServerOptions options, ServerMetrics metrics)
    {
        _generator = new TokenGenerator(session);
        _options = options;
        _metrics = metrics;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Queues a row, or throws a 429 when the batch and the queue are full.</summary>
    public ScheduledRow Submit(ScheduledRow row)
    {
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

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // The loop ends by one of these when the server stops.
        }

        _stopping.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var batch = await CollectAsync(_stopping.Token);
            if (batch.Count > 0)
            {
                Run(batch);
            }
        }
    }

    private async Task<List<ScheduledRow>> CollectAsync(CancellationToken stopping)
    {
        var batch = new List<ScheduledRow> { await _queue.Reader.ReadAsync(stopping) };
        if (_options.MaxBatch > 1 && _options.BatchWindow > TimeSpan.Zero)
        {
            await Task.Delay(_options.BatchWindow, stopping);
        }

        while (batch.Count < _options.MaxBatch && _queue.Reader.TryRead(out var next))
        {
            batch.Add(next);
        }

        foreach (var gone in batch.Where(row => row.IsCancelled))
        {
            gone.Finish(null);
            Interlocked.Decrement(ref _admitted);
            _metrics.RowCancelled();
        }

        return batch.Where(row => !row.IsFinished).ToList();
    }

    private void Run(List<ScheduledRow> batch)
    {
        _metrics.BatchStarted(batch.Count, batch.Sum(row => row.Prompt.Length));
        try
        {
            Decode(batch);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            foreach (var row in batch.Where(row => !row.IsFinished))
            {
                Release(row, ex);
            }
        }
        finally
        {
            foreach (var row in batch.Where(row => !row.IsFinished))
            {
                Release(row, new OperationCanceledException("the server is shutting down"));
            }
        }
    }

    /// <summary>Steps the batch until every row has finished or left; leaving the loop ends the generator's batch.</summary>
    private void Decode(List<ScheduledRow> batch)
    {
        var request = new GenerationRequest
        {
            Prompts = batch.Select(row => (IReadOnlyList<int>)row.Prompt).ToArray(),
            RowSampling = batch.Select(row => row.Sampling).ToArray(),
            MaxNewTokens = batch.Max(row => row.MaxTokens),
        };
        int open = batch.Count;
        int previousRow = int.MaxValue;
        foreach (var token in _generator.Generate(request, _stopping.Token))
        {
            // Events come row by row within a step, so a row index that does not grow starts a new step.
            if (token.Row <= previousRow)
            {
                StepBoundary();
            }

            previousRow = token.Row;
            open -= Deliver(batch[token.Row], token) ? 1 : 0;
            if (open == 0)
            {
                return;
            }
        }
    }

    private void StepBoundary()
    {
        _metrics.Step();
        if (_options.StepDelay > TimeSpan.Zero)
        {
            Thread.Sleep(_options.StepDelay);
        }
    }

    /// <summary>Passes one token on; returns true when the row has just left the batch.</summary>
    private bool Deliver(ScheduledRow row, TokenEvent token)
    {
        if (row.IsFinished)
        {
            return false;
        }

        if (row.IsCancelled)
        {
            _metrics.RowCancelled();
            Release(row, null);
            return true;
        }

        if (token.TokenId >= 0)
        {
            _metrics.TokenGenerated();
        }

        if (!row.Deliver(token))
        {
            return false;
        }

        ReleaseAdmission();
        return true;
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
