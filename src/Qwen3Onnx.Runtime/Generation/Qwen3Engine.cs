using System.Diagnostics;
using System.Threading.Channels;
using Qwen3Onnx.Runtime.Session;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>
/// The decode engine every caller drives (run, bench, chat, the in-process client, the server): one loop on its own
/// thread that owns a <see cref="RunningBatch"/> over the session (continuous batching). Between decode steps,
/// waiting requests join the running batch while it has room, each row with its own sampling, and rows that
/// finished or were cancelled leave it. Requests beyond the batch wait, up to <see cref="EngineOptions.MaxQueue"/>
/// rows, and beyond that are refused. An idle engine waits for the first request plus the batch window, so that
/// requests arriving together start together. When the session keeps its cache on a device the batch cannot be
/// reshaped: newcomers then wait until the running batch drains.
/// </summary>
/// <remarks>
/// The loop runs on a dedicated thread: its steps block (ONNX Runtime runs), and on a thread-pool thread they would
/// starve a server's request parsing on a machine with few cores.
/// </remarks>
public sealed class Qwen3Engine : IDisposable, IAsyncDisposable
{
    private readonly Qwen3Session _session;
    private readonly EngineOptions _options;
    private readonly Channel<EngineRequest> _queue = Channel.CreateUnbounded<EngineRequest>();
    private readonly RunningBatch _batch;
    private readonly Dictionary<int, (EngineRequest Request, int Row)> _running = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _stepLock = new();
    private readonly List<EngineRequest> _stepping = [];
    private readonly List<int> _cancelledRows = [];
    private bool _inStep;
    private int _admitted;
    private volatile bool _draining;
    private int _disposed;

    public Qwen3Engine(Qwen3Session session, EngineOptions? options = null)
    {
        _session = session;
        _options = options ?? new EngineOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatch, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxQueue, nameof(options));
        _batch = new RunningBatch(session);
        new Thread(RunLoop) { IsBackground = true, Name = "qwen3-onnx engine" }.Start();
    }

    public Qwen3Session Session => _session;

    /// <summary>True from the start of <see cref="DrainAsync"/> or disposal: new requests are refused.</summary>
    public bool IsDraining => _draining;

    /// <summary>
    /// Queues a request and returns it to read from. Bad rows (empty or too long prompts, ids outside the vocabulary)
    /// throw here; so does a full engine (<see cref="EngineBusyException"/>) or a stopping one (<see cref="EngineStoppedException"/>).
    /// </summary>
    public EngineRequest Submit(EngineRequest request)
    {
        if (_draining)
        {
            throw Stopped();
        }

        _batch.Validate(request.Rows);
        int rows = request.Rows.Count;
        int waiting = Interlocked.Add(ref _admitted, rows);
        if (waiting > _options.MaxBatch + _options.MaxQueue && waiting != rows)
        {
            Interlocked.Add(ref _admitted, -rows);
            _options.Observer?.RequestRejected();
            throw new EngineBusyException("the engine is busy: batch and queue are full; retry later");
        }

        _options.Observer?.RequestQueued();
        request.Cancelled = () => AbortIfAllCancelled();
        _queue.Writer.TryWrite(request);
        return request;
    }

    /// <summary>Generates a request's rows, streaming their tokens (<see cref="TokenEvent.Row"/> is the prompt's index).</summary>
    public IEnumerable<TokenEvent> Generate(GenerationRequest request, CancellationToken cancellation = default) =>
        Submit(EngineRequest.For(request)).ReadTokens(cancellation);

    /// <summary>Runs a request to completion: each row's new ids (end-of-sequence token included), finish reasons and timings.</summary>
    public GeneratedIds GenerateAll(GenerationRequest request, CancellationToken cancellation = default)
    {
        var submitted = Submit(EngineRequest.For(request));
        var ids = request.Prompts.Select(_ => new List<int>()).ToArray();
        var finish = new FinishReason[request.Prompts.Count];
        foreach (var token in submitted.ReadTokens(cancellation))
        {
            ids[token.Row].Add(token.TokenId);
            if (token.Finish is { } reason)
            {
                finish[token.Row] = reason;
            }
        }

        return new GeneratedIds(ids, finish) { Stats = submitted.Stats };
    }

    /// <summary>
    /// Refuses new requests, lets the running and queued ones go on for up to <paramref name="grace"/>, then ends the
    /// rest with <see cref="EngineStoppedException"/> and stops the loop.
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
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _draining = true;
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await _stopped.Task;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // The loop ends by one of these when the engine stops.
        }

        _stopping.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static EngineStoppedException Stopped() => new("the engine is shutting down; the request was not completed");

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

    /// <summary>Moves waiting requests into the batch while they fit: one prefill for all of them, then a merge.</summary>
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

        var rows = newcomers.SelectMany(request => request.Rows.Select((row, index) => (Request: request, Index: index, Row: row))).ToList();
        _options.Observer?.RowsAdmitted(rows.Count, rows.Sum(row => row.Row.Prompt.Count), joiningRunningBatch: _running.Count > 0);
        long start = Stopwatch.GetTimestamp();
        IReadOnlyList<TokenEvent> first;
        try
        {
            first = _batch.Admit([.. rows.Select(row => row.Row)], _stopping.Token);
        }
        catch (Exception ex)
        {
            // The running rows are untouched by a failed admission; only the newcomers learn of it.
            newcomers.ForEach(request => Release(request, request.Rows.Count, ex is OperationCanceledException ? Stopped() : ex));
            if (ex is OperationCanceledException)
            {
                throw;
            }

            return;
        }

        for (int i = 0; i < rows.Count; i++)
        {
            _running[first[i].Row] = (rows[i].Request, rows[i].Index);
        }

        long ready = Stopwatch.GetTimestamp();
        newcomers.ForEach(request => request.Admitted(start, ready));

        Delivered(first);
    }

    /// <summary>Whole requests, in arrival order, while they fit the room; one larger than the batch starts alone in an empty one.</summary>
    private List<EngineRequest> TakeWaiting(int room)
    {
        var taken = new List<EngineRequest>();
        while (_queue.Reader.TryPeek(out var next))
        {
            if (next.IsCancelled)
            {
                _queue.Reader.TryRead(out _);
                _options.Observer?.RowCancelled();
                Release(next, next.Rows.Count, error: null);
                continue;
            }

            bool fits = next.Rows.Count <= room || (_running.Count == 0 && taken.Count == 0);
            if (!fits)
            {
                break;
            }

            _queue.Reader.TryRead(out _);
            taken.Add(next);
            room -= next.Rows.Count;
        }

        return taken;
    }

    /// <summary>Drops rows whose caller cancelled them, then decodes one token for every row left.</summary>
    private void Step()
    {
        DropCancelled();
        if (_running.Count == 0)
        {
            return;
        }

        CollectStepping();
        var before = (_batch.Stats.DecodeRun, _batch.Stats.Sampling);
        IReadOnlyList<TokenEvent> tokens;
        try
        {
            SetInStep(true);
            tokens = _batch.Step(_stopping.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _running.Keys.ToList().ForEach(id => Leave(id, ex));
            return;
        }
        finally
        {
            SetInStep(false);
        }

        long ready = Stopwatch.GetTimestamp();
        foreach (var request in _stepping)
        {
            request.Stepped(_batch.Stats.DecodeRun - before.DecodeRun, _batch.Stats.Sampling - before.Sampling, ready);
        }

        Delivered(tokens);
    }

    /// <summary>
    /// A cancellation stops the step in flight when no running row still wants it (a lone request cancelled during a
    /// long step ends at once); with other rows running it waits for the step boundary.
    /// </summary>
    private void AbortIfAllCancelled()
    {
        lock (_stepLock)
        {
            if (_inStep && _running.Count > 0 && _running.Values.All(entry => entry.Request.IsRowCancelled(entry.Row)))
            {
                _session.Abort();
            }
        }
    }

    private void SetInStep(bool value)
    {
        lock (_stepLock)
        {
            _inStep = value;
        }
    }

    /// <summary>The requests with rows in this step, each once (a reused list: the loop allocates nothing per step).</summary>
    private void CollectStepping()
    {
        _stepping.Clear();
        foreach (var (request, _) in _running.Values)
        {
            if (!_stepping.Contains(request))
            {
                _stepping.Add(request);
            }
        }
    }

    private void DropCancelled()
    {
        _cancelledRows.Clear();
        foreach (var (id, entry) in _running)
        {
            if (entry.Request.IsRowCancelled(entry.Row))
            {
                _cancelledRows.Add(id);
            }
        }

        foreach (int id in _cancelledRows)
        {
            _options.Observer?.RowCancelled();
            Leave(id, error: null);
        }
    }

    /// <summary>Hands one forward step's tokens to their rows; a row whose last token this was leaves the batch.</summary>
    private void Delivered(IReadOnlyList<TokenEvent> tokens)
    {
        _options.Observer?.Step();
        for (int i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            _options.Observer?.TokenGenerated();
            var (request, row) = _running[token.Row];
            request.Stats.GeneratedTokens++;
            request.Deliver(token with { Row = row });
            if (token.Finish is not null)
            {
                _running.Remove(token.Row);
                ReleaseAdmission(1);
            }
        }

        _options.AfterStep?.Invoke(tokens.Count);
    }

    private void Leave(int id, Exception? error)
    {
        var (request, _) = _running[id];
        _batch.Remove(id);
        _running.Remove(id);
        Release(request, rows: 1, error);
    }

    private void ShutDown()
    {
        foreach (int id in _running.Keys.ToList())
        {
            Leave(id, Stopped());
        }

        while (_queue.Reader.TryRead(out var waiting))
        {
            Release(waiting, waiting.Rows.Count, Stopped());
        }

        _batch.Dispose();
    }

    /// <summary><paramref name="rows"/> of a request left without finishing; an error ends the whole request with it.</summary>
    private void Release(EngineRequest request, int rows, Exception? error)
    {
        if (error is not null)
        {
            request.Fail(error);
        }

        for (int i = 0; i < rows; i++)
        {
            request.RowLeft();
        }

        ReleaseAdmission(rows);
    }

    private void ReleaseAdmission(int rows)
    {
        Interlocked.Add(ref _admitted, -rows);
        for (int i = 0; i < rows; i++)
        {
            _options.Observer?.RowFinished();
        }
    }
}
