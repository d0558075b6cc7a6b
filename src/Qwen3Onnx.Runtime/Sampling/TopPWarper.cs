namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>
/// Nucleus filter with Hugging Face's boundary: walking down from the most likely token, a token is kept while the
/// probability of the tokens before it is still below p (so the token that crosses p is kept; at least one is).
/// Only a sorted prefix is needed: it starts at <see cref="InitialPrefix"/> tokens and grows only when the
/// nucleus is wider than that.
/// </summary>
internal sealed class TopPWarper(float p) : ICandidateWarper
{
    public const int InitialPrefix = 256;

    private const int PrefixGrowth = 8;

    public void Apply(Candidates candidates)
    {
        var normalizer = candidates.ComputeWeights();
        var maxLogit = candidates.MaxLogit();
        for (var prefix = Math.Min(InitialPrefix, candidates.Count); ; prefix = Math.Min(prefix * PrefixGrowth, candidates.Count))
        {
            var kept = NucleusSize(candidates.SortTop(prefix), maxLogit, normalizer);
            if (kept > 0 || prefix == candidates.Count)
            {
                candidates.Truncate(kept > 0 ? kept : prefix);
                return;
            }
        }
    }

    /// <summary>How many of the sorted logits the nucleus keeps, or 0 when it reaches past them.</summary>
    private int NucleusSize(ReadOnlySpan<float> sortedLogits, float maxLogit, double normalizer)
    {
        var massBefore = 0.0;
        for (var i = 0; i < sortedLogits.Length; i++)
        {
            if (massBefore >= p)
            {
                return i;
            }

            massBefore += Math.Exp(sortedLogits[i] - maxLogit) / normalizer;
        }

        return 0;
    }
}
