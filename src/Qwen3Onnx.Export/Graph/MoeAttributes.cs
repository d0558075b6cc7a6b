using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;
using Qwen3Onnx.Onnx.Proto;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Routing and activation attributes shared by com.microsoft MoE and QMoE for Qwen3: softmax over all experts,
/// top-k, always renormalised (<see cref="RoutedMass"/> undoes that for norm_topk_prob false); experts silu(gate) · up
/// from gate/up interleaved fc1 (swiglu_fusion 1, alpha 1, beta 0, set explicitly because other values change the result).
/// </summary>
internal static class MoeAttributes
{
    public static AttributeProto[] For(Qwen3Config config) =>
    [
        Attributes.Int("k", config.NumExpertsPerTok),
        Attributes.String("activation_type", "swiglu"),
        Attributes.Int("swiglu_fusion", 1),
        Attributes.Float("activation_alpha", 1f),
        Attributes.Float("activation_beta", 0f),
        Attributes.Int("normalize_routing_weights", 1),
        Attributes.Int("use_sparse_mixer", 0),
    ];
}
