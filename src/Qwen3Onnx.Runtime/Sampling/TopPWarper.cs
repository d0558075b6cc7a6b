namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>
/// Nucleus filter with Hugging Face's boundary: walking down from the most likely token, a token is kept while the
/// probability of the tokens before it is still below p (so the token that crosses p is kept; at least one is).
/// The walk runs over a sorted prefix of <see cref="SortedPrefix"/> tokens; a nucleus wider than that (flat
/// distributions) is found by <see cref="NucleusThreshold"/> instead of sorting the whole row.
/// </summary>
internal sealed class TopPWarper(float p) : ICandidateWarper
{
    public const int SortedPrefix = 256;

    public void Apply(Candidates candidates)
    {
        var total = candidates.ComputeWeights();
        var maxLogit = candidates.MaxLogit();
        var sorted = candidates.SortTop(candidates.IsSorted ? candidates.Count : Math.Min(SortedPrefix, candidates.Count));
        var kept = NucleusSize(sorted, maxLogit, total);
        if (kept > 0 || sorted.Length == candidates.Count)
        {
            candidates.Truncate(kept > 0 ? kept : sorted.Length);
            return;
        }

        candidates.KeepNucleus(p * total, sorted[^1], maxLogit);
    }

    /// <summary>How many of the sorted logits the nucleus keeps, or 0 when it reaches past them.</summary>
    private int NucleusSize(ReadOnlySpan<float> sortedLogits, float maxLogit, double total)
    {
        var massBefore = 0.0;
        for (var i = 0; i < sortedLogits.Length; i++)
        {
            if (massBefore >= p)
            {
                return i;
            }

            massBefore += Math.Exp(sortedLogits[i] - maxLogit) / total;
        }

        return 0;
    }
}
