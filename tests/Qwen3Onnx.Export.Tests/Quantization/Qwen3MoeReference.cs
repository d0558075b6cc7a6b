namespace Qwen3Onnx.Export.Tests.Quantization;

/// <summary>
/// Qwen3's sparse MoE block written out by hand (HF Qwen3MoeSparseMoeBlock): softmax over all experts → top-k →
/// renormalise (when norm_topk_prob) → Σ weight · down(silu(gate x) · up x). Expert weights in HF [out, in] layout.
/// </summary>
internal sealed record Qwen3MoeReference(int Hidden, int Inter, int TopK, float[][] Gate, float[][] Up, float[][] Down, bool NormTopKProb = true)
{
    public float[] Forward(float[] input, float[] routerLogits)
    {
        var experts = Gate.Length;
        var tokens = input.Length / Hidden;
        var output = new float[input.Length];
        for (var t = 0; t < tokens; t++)
        {
            var x = input.AsSpan(t * Hidden, Hidden).ToArray();
            foreach (var (expert, weight) in Route(routerLogits.AsSpan(t * experts, experts)))
            {
                var y = Expert(expert, x);
                for (var h = 0; h < Hidden; h++)
                {
                    output[t * Hidden + h] += weight * y[h];
                }
            }
        }

        return output;
    }

    private List<(int Expert, float Weight)> Route(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var l in logits)
        {
            max = MathF.Max(max, l);
        }

        var probs = new float[logits.Length];
        var sum = 0f;
        for (var e = 0; e < logits.Length; e++)
        {
            probs[e] = MathF.Exp(logits[e] - max);
            sum += probs[e];
        }

        var chosen = Enumerable.Range(0, probs.Length).OrderByDescending(e => probs[e]).Take(TopK).ToList();
        var chosenSum = NormTopKProb ? chosen.Sum(e => probs[e] / sum) : 1f;
        return chosen.Select(e => (e, probs[e] / sum / chosenSum)).ToList();
    }

    private float[] Expert(int expert, float[] x)
    {
        var gate = TestWeights.MatMulTransposed(x, Gate[expert], 1, Hidden);
        var up = TestWeights.MatMulTransposed(x, Up[expert], 1, Hidden);
        var act = new float[Inter];
        for (var i = 0; i < Inter; i++)
        {
            act[i] = gate[i] / (1f + MathF.Exp(-gate[i])) * up[i];
        }

        return TestWeights.MatMulTransposed(act, Down[expert], 1, Inter);
    }
}
