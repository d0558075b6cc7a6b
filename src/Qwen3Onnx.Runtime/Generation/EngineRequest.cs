using System.Diagnostics;
using System.Threading.Channels;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>
/// One request's rows in a <see cref="Qwen3Engine"/>: the engine writes their tokens (<see cref="TokenEvent.Row"/> is
/// the row's index in <see cref="Rows"/>), the caller reads them. Its rows join the running batch together. The caller
/// may cancel a row or the whole request (client gone, stop string seen); the engine drops cancelled rows at its next
/// step. <see cref="Tokens"/> completes once every row has finished or left, with the error if the request failed.
/// </summary>
public sealed class EngineRequest
{
    private readonly Channel<TokenEvent> _tokens = Channel.CreateUnbounded<TokenEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly int[] _rowCancelled;
    private volatile bool _cancelled;
    private int _open;

    public EngineRequest(IReadOnlyList<BatchRowRequest> rows)
    {
        ArgumentOutOfRangeException.ThrowIfZero(rows.Count);
        Rows = rows;
        _rowCancelled = new int[rows.Count];
        _open = rows.Count;
    }

    public EngineRequest(BatchRowRequest row)
        : this([row])
    {
    }

    /// <summary>A generation request's rows as the engine takes them; its shape is checked here, its prompts at submission.</summary>
    public static EngineRequest For(GenerationRequest request)
    {
        if (request.Prompts.Count == 0)
        {
            throw new ArgumentException("at least one prompt is needed", nameof(request));
        }

        if (request.RowSampling is { } perRow && perRow.Count != request.Prompts.Count)
        {
            throw new ArgumentException($"{perRow.Count} sampling options for {request.Prompts.Count} rows", nameof(request));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.MaxNewTokens);
        return new([.. request.Prompts.Select((prompt, row) => new BatchRowRequest
        {
            Prompt = prompt,
            Sampling = request.SamplingFor(row),
            MaxNewTokens = request.MaxNewTokens,
            StopTokenIds = request.StopTokenIds,
        })]);
    }

    public IReadOnlyList<BatchRowRequest> Rows { get; }

    public ChannelReader<TokenEvent> Tokens => _tokens.Reader;

    /// <summary>This request's counts and timings; complete once <see cref="Tokens"/> has completed.</summary>
    public GenerationStats Stats { get; } = new();

    public bool IsCancelled => _cancelled;

    /// <summary>Ends every row of the request.</summary>
    public void Cancel()
    {
        _cancelled = true;
        Cancelled?.Invoke();
    }

    /// <summary>Ends one row; the others go on.</summary>
    public void Cancel(int row)
    {
        Volatile.Write(ref _rowCancelled[row], 1);
        Cancelled?.Invoke();
    }

    /// <summary>
    /// The tokens as they come, blocking between them; none of a row after it was cancelled (the engine runs ahead of
    /// the reader). Cancelling <paramref name="cancellation"/> cancels the request and throws
    /// <see cref="OperationCanceledException"/>; stopping the enumeration early cancels it too.
    /// </summary>
    public IEnumerable<TokenEvent> ReadTokens(CancellationToken cancellation = default)
    {
        using var registration = cancellation.Register(Cancel);
        try
        {
            while (WaitForTokens(cancellation))
            {
                while (_tokens.Reader.TryRead(out var token))
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (!IsRowCancelled(token.Row))
                    {
                        yield return token;
                    }
                }
            }

            cancellation.ThrowIfCancellationRequested();
        }
        finally
        {
            Cancel();
        }
    }

    /// <summary>When the request's first tokens were handed out (engine thread only): its decode time counts from there.</summary>
    internal long FirstTokensAt { get; private set; }

    /// <summary>The prefill that gave this request's first tokens ran from <paramref name="start"/> to <paramref name="ready"/> (timestamps).</summary>
    internal void Admitted(long start, long ready)
    {
        Stats.PromptTokens += Rows.Sum(row => row.Prompt.Count);
        Stats.FirstStepTokens += Rows.Count;
        Stats.Prefill = Stopwatch.GetElapsedTime(start, ready);
        FirstTokensAt = ready;
    }

    /// <summary>A decode step of the batch this request's rows are in: its graph and sampling time, and when its tokens were ready.</summary>
    internal void Stepped(TimeSpan run, TimeSpan sampling, long ready)
    {
        Stats.DecodeSteps++;
        Stats.DecodeRun += run;
        Stats.Sampling += sampling;
        // Wall time from the first tokens to these: what a caller waits, the engine's own bookkeeping included.
        Stats.Decode = Stopwatch.GetElapsedTime(FirstTokensAt, ready);
    }

    /// <summary>Set by the engine that runs the request: a cancellation may let it stop the step in flight.</summary>
    internal Action? Cancelled { get; set; }

    internal bool IsRowCancelled(int row) => _cancelled || Volatile.Read(ref _rowCancelled[row]) == 1;

    /// <summary>Hands a row's token to the reader (engine thread only).</summary>
    internal void Deliver(TokenEvent token)
    {
        _tokens.Writer.TryWrite(token);
        if (token.Finish is not null)
        {
            RowLeft();
        }
    }

    /// <summary>A row finished or was dropped (engine thread only); the last one completes the request.</summary>
    internal void RowLeft()
    {
        if (--_open == 0)
        {
            _tokens.Writer.TryComplete();
        }
    }

    internal void Fail(Exception error) => _tokens.Writer.TryComplete(error);

    private bool WaitForTokens(CancellationToken cancellation)
    {
        try
        {
            return _tokens.Reader.WaitToReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (cancellation.IsCancellationRequested && ex is not Qwen3OnnxException)
        {
            // The step in flight was stopped for this cancellation.
            throw new OperationCanceledException(cancellation);
        }
    }
}
