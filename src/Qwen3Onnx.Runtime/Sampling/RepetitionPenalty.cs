namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>
/// Hugging Face's repetition penalty: for every id seen in prompt or output, a positive logit is divided by the
/// penalty and any other is multiplied by it, so a penalty above 1 always makes the id less likely.
/// </summary>
public sealed class RepetitionPenalty : ILogitsProcessor
{
    private readonly float _penalty;

    public RepetitionPenalty(float penalty) => _penalty = penalty;

    /// <summary>Penalises each of <paramref name="seenIds"/> once; they must be distinct.</summary>
    public static void Apply(Span<float> logits, ReadOnlySpan<int> seenIds, float penalty)
    {
        foreach (var id in seenIds)
        {
            ref var logit = ref logits[id];
            logit = logit > 0 ? logit / penalty : logit * penalty;
        }
    }

    void ILogitsProcessor.Apply(Span<float> logits, TokenHistory history) => Apply(logits, history.SeenIds, _penalty);
}
