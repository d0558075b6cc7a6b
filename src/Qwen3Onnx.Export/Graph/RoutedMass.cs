using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Qwen3-MoE with norm_topk_prob false weights each chosen expert by its softmax probability over all experts, not
/// renormalised over the k chosen. The MoE / QMoE operators are always run renormalising (normalize_routing_weights 1:
/// the form every kernel agrees on), and the mix is multiplied back by the probability mass the k chosen experts hold,
/// Σ top-k softmax(logits), computed here in float32. ONNX Runtime 1.31's CPU MoE and 1.32's CPU QMoE compute something
/// else for normalize_routing_weights 0 (docs/FUSED_OPS.md), so that attribute value is never emitted.
/// <code>
///   mixed[N,H] · Cast(ReduceSum(TopK(Softmax(logits), k)))[N,1]
/// </code>
/// </summary>
internal static class RoutedMass
{
    public static OnnxValue Apply(GraphBuilder g, Qwen3Config config, OnnxValue mixed, OnnxValue routerLogits)
    {
        if (config.NormTopkProb)
        {
            return mixed;
        }

        using var scope = g.Scope("routed_mass");
        var (top, _) = g.TopK(g.Softmax(routerLogits), config.NumExpertsPerTok);
        return g.Mul(mixed, g.Cast(g.ReduceSum(top, [-1], keepDims: true), mixed.ElementType));   // [N, H] · [N, 1]
    }
}
