using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Float experts through com.microsoft MoE: fc1 = gate/up interleaved [E, 2·I, H], fc2 = down [E, H, I], router
/// logits (not probabilities) as router_probs.
/// </summary>
internal sealed class MoeOperator(GraphBuilder g, Qwen3Config config, WeightMap weights) : IMoeEmitter
{
    public OnnxValue Mix(int layer, OnnxValue tokens, OnnxValue routerLogits)
    {
        var experts = ExpertWeightNames.Of(config, layer);
        var fc1 = weights.InterleavedGateUp(experts);
        var fc2 = weights.StackedAsIs(experts.DownStackName, experts.Down);
        return g.AddNode(new NodeSpec("MoE", [tokens, g.Cast(routerLogits, tokens.ElementType), fc1, null, fc2], [new(tokens.ElementType, tokens.Shape)])
        {
            Domain = ContribOps.Domain,
            Attributes = MoeAttributes.For(config),
        })[0];
    }
}
