using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Float experts through com.microsoft MoE: fc1 = gate/up interleaved [E, 2·I, H], fc2 = down [E, H, I], router
/// logits (not probabilities) as router_probs. A bfloat16 graph runs its experts in float16 (weights stored in float16,
/// tokens cast in and out): ONNX Runtime 1.29's CUDA MoE kernel returns wrong results in bfloat16 (probed against a
/// numpy reference on the H100: max error 0.7 on outputs of magnitude 0.5, float16 5e-4; docs/FUSED_OPS.md), and the
/// CPU kernel has no bfloat16 at all.
/// </summary>
internal sealed class MoeOperator(GraphBuilder g, Qwen3Config config, WeightMap weights) : IMoeEmitter
{
    public OnnxValue Mix(int layer, OnnxValue tokens, OnnxValue routerLogits)
    {
        var compute = tokens.ElementType == DataType.Bfloat16 ? DataType.Float16 : tokens.ElementType;
        var experts = ExpertWeightNames.Of(config, layer);
        var fc1 = weights.InterleavedGateUp(experts, compute);
        var fc2 = weights.StackedAsIs(experts.DownStackName, experts.Down, compute);
        var input = g.Cast(tokens, compute);
        var mixed = g.AddNode(new NodeSpec("MoE", [input, g.Cast(routerLogits, compute), fc1, null, fc2], [new(compute, tokens.Shape)])
        {
            Domain = ContribOps.Domain,
            Attributes = MoeAttributes.For(config),
        })[0];
        return RoutedMass.Apply(g, config, g.Cast(mixed, tokens.ElementType), routerLogits);
    }
}
