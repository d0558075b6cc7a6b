using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Block-quantized experts through com.microsoft QMoE (quant_type "int"): each expert's fc1 (gate/up interleaved)
/// and fc2 (down) in MatMulNBits row layout, quantized one expert at a time while streaming.
/// </summary>
internal sealed class QMoeOperator(GraphBuilder g, Qwen3Config config, WeightMap weights, BlockQuantizationFormat format) : IMoeEmitter
{
    public OnnxValue Mix(int layer, OnnxValue tokens, OnnxValue routerLogits)
    {
        var experts = ExpertWeightNames.Of(config, layer);
        var fc1 = weights.QuantizedInterleavedGateUp(experts, format);
        var fc2 = weights.QuantizedStack(experts.DownStackName, experts.Down, format);
        var mixed = g.AddNode(new NodeSpec(
            "QMoE",
            [tokens, g.Cast(routerLogits, tokens.ElementType), fc1.Packed, fc1.Scales, null, fc2.Packed, fc2.Scales],
            [new(tokens.ElementType, tokens.Shape)])
        {
            Domain = ContribOps.Domain,
            Attributes =
            [
                .. MoeAttributes.For(config),
                Attributes.Int("expert_weight_bits", format.Bits),
                Attributes.Int("block_size", format.BlockSize),
            ],
        })[0];
        return RoutedMass.Apply(g, config, mixed, routerLogits);
    }
}
