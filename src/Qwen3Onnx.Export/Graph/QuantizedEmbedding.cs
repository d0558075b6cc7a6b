using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Block-quantized embedding (tied checkpoints, whose table is also the quantized lm_head): com.microsoft
/// GatherBlockQuantized on uint8 codes [vocab, hidden·bits/8] with per-block scales, dequantized to float32 rows.
/// </summary>
internal sealed class QuantizedEmbedding(GraphBuilder g, WeightMap weights, BlockQuantizationFormat format) : IEmbeddingEmitter
{
    public OnnxValue Embed(OnnxValue inputIds)
    {
        var table = weights.QuantizedEmbedding(format);
        return g.AddNode(new NodeSpec("GatherBlockQuantized", [table.Packed, inputIds, table.Scales], [new(table.Scales.ElementType, [.. inputIds.Shape, table.Columns])])
        {
            Domain = ContribOps.Domain,
            Attributes =
            [
                Attributes.Int("bits", format.Bits),
                Attributes.Int("block_size", format.BlockSize),
                Attributes.Int("gather_axis", 0),
                Attributes.Int("quantize_axis", 1),
            ],
        })[0];
    }
}
