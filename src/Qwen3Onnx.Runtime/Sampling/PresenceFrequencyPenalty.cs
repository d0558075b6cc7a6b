namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>
/// OpenAI's presence and frequency penalties over generated ids only (the prompt is exempt):
/// logit -= presence * (count &gt; 0) + frequency * count.
/// </summary>
public sealed class PresenceFrequencyPenalty : ILogitsProcessor
{
    private readonly float _presence;
    private readonly float _frequency;

    public PresenceFrequencyPenalty(float presence, float frequency)
    {
        _presence = presence;
        _frequency = frequency;
    }

    /// <summary>
    /// Penalises each of the distinct <paramref name="generatedIds"/>, whose counts are read from
    /// <paramref name="countsById"/> (indexed by token id).
    /// </summary>
    public static void Apply(Span<float> logits, ReadOnlySpan<int> generatedIds, ReadOnlySpan<int> countsById, float presence, float frequency)
    {
        foreach (var id in generatedIds)
        {
            logits[id] -= presence + (frequency * countsById[id]);
        }
    }

    void ILogitsProcessor.Apply(Span<float> logits, TokenHistory history) =>
        Apply(logits, history.GeneratedIds, history.GeneratedCounts, _presence, _frequency);
}
