namespace Qwen3Onnx.Reference;

/// <summary>
/// Qwen3-MoE's sparse block: router logits → softmax over all experts (float32) → top-k →
/// renormalise the k weights iff norm_topk_prob → weighted sum of the chosen experts' SwiGLU outputs.
/// </summary>
internal sealed class MoeFeedForward : IFeedForward
{
    private readonly Linear _router; // [experts, hidden]
    private readonly Mlp[] _experts;
    private readonly int _topK;
    private readonly bool _normalizeTopK;
    private readonly float[] _probabilities;
    private readonly int[] _chosen;
    private readonly float[] _expertOutput;

    public MoeFeedForward(Linear router, Mlp[] experts, int topK, bool normalizeTopK)
    {
        _router = router;
        _experts = experts;
        _topK = topK;
        _normalizeTopK = normalizeTopK;
        _probabilities = new float[experts.Length];
        _chosen = new int[topK];
        _expertOutput = new float[router.InFeatures];
    }

    public void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        _router.Apply(x, _probabilities);              // [experts] logits
        Softmax.InPlace(_probabilities);               // [experts] probabilities
        TopK(_probabilities, _chosen);                 // [k] expert indices, best first
        float total = 0;
        foreach (int e in _chosen)
        {
            total += _probabilities[e];
        }

        y.Clear();
        foreach (int e in _chosen)
        {
            float weight = _normalizeTopK ? _probabilities[e] / total : _probabilities[e];
            _experts[e].Apply(x, _expertOutput);       // [hidden]
            for (int i = 0; i < y.Length; i++)
            {
                y[i] += weight * _expertOutput[i];
            }
        }
    }

    /// <summary>Indices of the k largest values, largest first; ties go to the lower index.</summary>
    private static void TopK(ReadOnlySpan<float> values, Span<int> chosen)
    {
        for (int k = 0; k < chosen.Length; k++)
        {
            int best = -1;
            for (int i = 0; i < values.Length; i++)
            {
                if (!chosen[..k].Contains(i) && (best < 0 || values[i] > values[best]))
                {
                    best = i;
                }
            }

            chosen[k] = best;
        }
    }
}
