namespace Qwen3Onnx.Export.Quantization;

/// <summary>
/// Builds the fused fc1 weight of com.microsoft MoE / QMoE with swiglu_fusion = 1: gate and up projections
/// ([inter, hidden] each, HF layout) interleaved row by row into [2 * inter, hidden], so fc1's output reads
/// g0, u0, g1, u1, … . The op then computes silu(g) · u when activation_alpha = 1 and activation_beta = 0.
/// </summary>
public static class SwiGluFusion
{
    public static void InterleaveGateUp(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, int hidden, Span<float> fused)
    {
        if (gate.Length != up.Length || gate.Length % hidden != 0 || fused.Length != 2 * gate.Length)
        {
            throw new ArgumentException($"gate ({gate.Length}), up ({up.Length}) and fused ({fused.Length}) are not [inter, {hidden}], [inter, {hidden}], [2 * inter, {hidden}]");
        }

        var inter = gate.Length / hidden;
        for (var i = 0; i < inter; i++)
        {
            gate.Slice(i * hidden, hidden).CopyTo(fused.Slice(2 * i * hidden, hidden));
            up.Slice(i * hidden, hidden).CopyTo(fused.Slice((2 * i + 1) * hidden, hidden));
        }
    }
}
