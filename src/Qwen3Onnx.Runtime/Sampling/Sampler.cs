using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Qwen3Onnx.Runtime.Constraints;

namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>
/// The sampler of one sequence. Stages run in a fixed order, each a small type chosen once from the options:
/// repetition penalty → presence/frequency penalty → grammar (<see cref="SamplingOptions.Grammar"/>) → mask (ids ≥ <see cref="SamplingOptions.MaskedIdsFrom"/>) →
/// temperature → top-k → top-p → min-p → draw (Hugging Face's warper order). Greedy options stop after the mask and
/// take the argmax, ties to the lowest id as torch.argmax does. Buffers are sized to the vocabulary up front, so
/// sampling a token allocates nothing. Not thread-safe; a batch uses one sampler per row.
/// </summary>
public sealed class Sampler
{
    private readonly int _vocabSize;
    private readonly int _sampledVocab;
    private readonly float[] _row;
    private readonly TokenHistory _history;
    private readonly Candidates _candidates;
    private readonly ILogitsProcessor[] _processors;
    private readonly ICandidateWarper[] _warpers;
    private readonly Func<ReadOnlySpan<float>, int> _pick;
    private readonly ulong? _seed;
    private readonly Xoshiro256StarStar _random;
    private readonly GrammarState? _grammar;
    private readonly MaskPrefetch? _prefetch;
    private readonly float[]? _logprobRow;

    public Sampler(SamplingOptions options, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        Options = options;
        _vocabSize = vocabSize;
        _sampledVocab = Math.Min(options.MaskedIdsFrom ?? vocabSize, vocabSize);
        _row = new float[vocabSize];
        _history = new TokenHistory(vocabSize);
        _candidates = new Candidates(vocabSize);
        _processors = CreateProcessors(options);
        _grammar = options.Grammar?.CreateState();
        _prefetch = _grammar is null ? null : new MaskPrefetch(_grammar);
        _logprobRow = options.TopLogprobs is null ? null : new float[vocabSize];
        _warpers = options.IsGreedy ? [] : CreateWarpers(options, _sampledVocab);
        _pick = options.IsGreedy && _processors.Length == 0 && _grammar is not null && _logprobRow is null
            ? PickGreedyUnderGrammar
            : ChoosePick(options.IsGreedy, _processors.Length > 0 || _grammar is not null || _logprobRow is not null);
        _seed = options.Seed;
        _random = new Xoshiro256StarStar(options.Seed ?? (ulong)Random.Shared.NextInt64());
    }

    public SamplingOptions Options { get; }

    public int Sample(ReadOnlySpan<float> logits)
    {
        if (logits.Length != _vocabSize)
        {
            throw new ArgumentException($"logits row has {logits.Length} entries but the sampler's vocabulary has {_vocabSize}", nameof(logits));
        }

        _prefetch?.Wait();
        int token = _pick(logits);
        if (_logprobRow is not null)
        {
            LastLogprobs = TokenLogprobs.From(_logprobRow.AsSpan(0, _sampledVocab), token, Options.TopLogprobs!.Value);
        }

        return token;
    }

    /// <summary>The last sampled token's log-probabilities, when <see cref="SamplingOptions.TopLogprobs"/> asks for them.</summary>
    public TokenLogprobs? LastLogprobs { get; private set; }

    /// <summary>
    /// Starts computing the grammar's mask for the next token in the background (call it before the forward pass
    /// that produces that token's logits); without a grammar it does nothing.
    /// </summary>
    public void PrefetchMask() => _prefetch?.Start();

    public void Accept(int token)
    {
        _prefetch?.Wait();
        _history.Accept(token);
        _grammar?.Accept(token);
    }

    public void Reset(ReadOnlySpan<int> promptIds)
    {
        _prefetch?.Wait();
        _history.Reset(promptIds);
        _grammar?.Reset();
        if (_seed is { } seed)
        {
            _random.Reseed(seed);
        }
    }

    private Func<ReadOnlySpan<float>, int> ChoosePick(bool greedy, bool penalised) => (greedy, penalised) switch
    {
        (true, false) => PickArgMax,
        (true, true) => logits => PickArgMax(Penalise(logits)),
        _ => logits => PickRandom(Penalise(logits)),
    };

    /// <summary>Copies the row into the working buffer (the warpers edit it in place), applies the penalties and the grammar.</summary>
    private float[] Penalise(ReadOnlySpan<float> logits)
    {
        logits.CopyTo(_row);
        foreach (var processor in _processors)
        {
            processor.Apply(_row, _history);
        }

        _grammar?.Apply(_row);
        if (_logprobRow is not null)
        {
            _row.CopyTo(_logprobRow, 0);   // the warpers edit _row in place
        }

        return _row;
    }

    // The greedy shortcut reads the caller's row directly when there is nothing to edit. The maximum is one of the
    // row's own values, so its first occurrence is found by bit pattern: IndexOf over ints is vectorised, while
    // IndexOf over floats (and TensorPrimitives.IndexOfMax, which tracks NaNs) walks 152k entries several times slower.
    private int PickArgMax(ReadOnlySpan<float> logits)
    {
        var row = logits[.._sampledVocab];
        int maxBits = BitConverter.SingleToInt32Bits(TensorPrimitives.Max(row));
        int index = MemoryMarshal.Cast<float, int>(row).IndexOf(maxBits);
        return index >= 0 ? index : TensorPrimitives.IndexOfMax(row);   // a NaN maximum need not keep its bits
    }

    /// <summary>
    /// The row's own argmax when the grammar allows it (no copy of the row, no masking pass); otherwise the
    /// argmax of the masked copy. Both give the first maximum among the allowed ids.
    /// </summary>
    private int PickGreedyUnderGrammar(ReadOnlySpan<float> logits)
    {
        _grammar!.ComputeMask();
        int best = PickArgMax(logits);
        return _grammar.Allows(best) ? best : PickArgMax(Penalise(logits));
    }

    private int PickRandom(float[] row)
    {
        _candidates.StartFrom(row, _sampledVocab);
        foreach (var warper in _warpers)
        {
            warper.Apply(_candidates);
        }

        return _candidates.Draw(_random.NextDouble());
    }

    private static ILogitsProcessor[] CreateProcessors(SamplingOptions options)
    {
        var processors = new List<ILogitsProcessor>();
        if (options.RepetitionPenalty != 1f)
        {
            processors.Add(new RepetitionPenalty(options.RepetitionPenalty));
        }

        if (options.PresencePenalty != 0f || options.FrequencyPenalty != 0f)
        {
            processors.Add(new PresenceFrequencyPenalty(options.PresencePenalty, options.FrequencyPenalty));
        }

        return [.. processors];
    }

    private static ICandidateWarper[] CreateWarpers(SamplingOptions options, int sampledVocab)
    {
        var warpers = new List<ICandidateWarper>();
        if (options.Temperature != 1f)
        {
            warpers.Add(new TemperatureWarper(options.Temperature));
        }

        if (options.TopK > 0 && options.TopK < sampledVocab)
        {
            warpers.Add(new TopKWarper(options.TopK));
        }

        if (options.TopP < 1f)
        {
            warpers.Add(new TopPWarper(options.TopP));
        }

        if (options.MinP > 0f)
        {
            warpers.Add(new MinPWarper(options.MinP));
        }

        return [.. warpers];
    }
}
