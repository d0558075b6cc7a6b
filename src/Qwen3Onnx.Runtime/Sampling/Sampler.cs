using System.Numerics.Tensors;

namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>
/// The sampler of one sequence. Stages run in a fixed order, each a small type chosen once from the options:
/// repetition penalty → presence/frequency penalty → mask (ids ≥ <see cref="SamplingOptions.MaskedIdsFrom"/>) →
/// temperature → top-k → top-p → min-p → draw (Hugging Face's warper order). Greedy options stop after the mask and
/// take the argmax, ties to the lowest id as torch.argmax does. Buffers are sized to the vocabulary up front, so
/// sampling a token allocates nothing. Not thread-safe; a batch uses one sampler per row.
/// </summary>
public sealed class Sampler : ISampler
{
    private readonly int _vocabSize;
    private readonly int _sampledVocab;
    private readonly float[] _row;
    private readonly TokenHistory _history;
    private readonly Candidates _candidates;
    private readonly ILogitsProcessor[] _processors;
    private readonly ICandidateWarper[] _warpers;
    private readonly Func<int> _pick;
    private readonly ulong? _seed;
    private readonly Xoshiro256StarStar _random;

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
        _warpers = options.IsGreedy ? [] : CreateWarpers(options, _sampledVocab);
        _pick = options.IsGreedy ? PickArgMax : PickRandom;
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

        logits.CopyTo(_row);
        foreach (var processor in _processors)
        {
            processor.Apply(_row, _history);
        }

        return _pick();
    }

    public void Accept(int token) => _history.Accept(token);

    public void Reset(ReadOnlySpan<int> promptIds)
    {
        _history.Reset(promptIds);
        if (_seed is { } seed)
        {
            _random.Reseed(seed);
        }
    }

    private int PickArgMax()
    {
        var row = _row.AsSpan(0, _sampledVocab);
        return row.IndexOf(TensorPrimitives.Max(row));
    }

    private int PickRandom()
    {
        _candidates.StartFrom(_row, _sampledVocab);
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
