using Qwen3Onnx.Runtime.Session;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>
/// One request's generation on the decode loop: its (left-padded) batch of prompts joins an empty
/// <see cref="RunningBatch"/>, which then steps until every row has stopped on an end-of-sequence id or its limit.
/// </summary>
public sealed class TokenGenerator
{
    private readonly Qwen3Session _session;

    public TokenGenerator(Qwen3Session session)
    {
        _session = session;
    }

    /// <summary>The last generation's counts and timings (filled in as it runs).</summary>
    public GenerationStats LastStats { get; private set; } = new();

    /// <summary>Runs to completion, returning each row's new ids (end-of-sequence token included) and finish reason.</summary>
    public (IReadOnlyList<IReadOnlyList<int>> Ids, IReadOnlyList<FinishReason> Finish) GenerateAll(GenerationRequest request, CancellationToken cancellation = default)
    {
        var ids = request.Prompts.Select(_ => new List<int>()).ToArray();
        var finish = new FinishReason[request.Prompts.Count];
        foreach (var token in Generate(request, cancellation))
        {
            ids[token.Row].Add(token.TokenId);
            if (token.Finish is { } reason)
            {
                finish[token.Row] = reason;
            }
        }

        return (ids, finish);
    }

    /// <summary>
    /// Streams tokens as they are produced (<see cref="TokenEvent.Row"/> is the prompt's index); cancellation is
    /// honoured between steps and aborts a running step.
    /// </summary>
    public IEnumerable<TokenEvent> Generate(GenerationRequest request, CancellationToken cancellation = default)
    {
        var rows = Rows(request);
        return Run(rows, request.StopTokenIds, cancellation);
    }

    private IEnumerable<TokenEvent> Run(IReadOnlyList<BatchRowRequest> rows, IReadOnlyCollection<int>? stopTokenIds, CancellationToken cancellation)
    {
        using var batch = new RunningBatch(_session, stopTokenIds);
        LastStats = batch.Stats;
        foreach (var token in batch.Admit(rows, cancellation))
        {
            yield return token;
        }

        while (batch.Count > 0)
        {
            foreach (var token in batch.Step(cancellation))
            {
                yield return token;
            }
        }
    }

    /// <summary>The request's rows; checked before the first token is asked for, so bad requests fail at the call.</summary>
    private static BatchRowRequest[] Rows(GenerationRequest request)
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
        return [.. request.Prompts.Select((prompt, row) => new BatchRowRequest { Prompt = prompt, Sampling = request.SamplingFor(row), MaxNewTokens = request.MaxNewTokens })];
    }
}
