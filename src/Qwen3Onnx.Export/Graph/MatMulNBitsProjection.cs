using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Block-quantized projection: com.microsoft MatMulNBits on the HF [out, in] weight quantized while it streams,
/// activations at the recipe's accuracy_level (by default 4: int8 activations per block, ONNX Runtime's fast CPU path);
/// the recipe gives the output projection its own format.
/// </summary>
internal sealed class MatMulNBitsProjection(GraphBuilder g, WeightMap weights, QuantizationRecipe recipe) : IProjectionEmitter
{
    public OnnxValue Project(OnnxValue x, PackedLinear packed)
    {
        var format = recipe.FormatOf(packed.Name);
        var weight = weights.BlockQuantized(packed, format);
        return g.AddNode(new NodeSpec("MatMulNBits", [x, weight.Packed, weight.Scales], [new(x.ElementType, [.. x.Shape.SkipLast(1), weight.Rows])])
        {
            Domain = ContribOps.Domain,
            Attributes =
            [
                Attributes.Int("K", weight.Columns),
                Attributes.Int("N", weight.Rows),
                Attributes.Int("bits", format.Bits),
                Attributes.Int("block_size", format.BlockSize),
                Attributes.Int("accuracy_level", recipe.AccuracyLevel),
            ],
        })[0];
    }
}
