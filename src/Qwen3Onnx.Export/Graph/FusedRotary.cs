using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// RoPE as com.microsoft RotaryEmbedding (rotate-half, <c>interleaved = 0</c>): one node per rotated tensor, reading the
/// [max_len, D/2] cos/sin caches (YaRN's attention factor folded in) at our own <c>position_ids</c>, so left-padded rows
/// rotate by their real positions.
/// </summary>
internal sealed class FusedRotary(GraphBuilder g, Qwen3Config config, ModelInputs inputs, (OnnxValue Cos, OnnxValue Sin) caches)
{
    /// <summary>Rotates x [B, S, heads·D] (heads of <see cref="Qwen3Config.HeadDim"/> each).</summary>
    public OnnxValue Apply(OnnxValue x, int heads) =>
        g.AddNode(new NodeSpec("RotaryEmbedding", [x, inputs.PositionIds, caches.Cos, caches.Sin], [new(x.ElementType, x.Shape)])
        {
            Domain = ContribOps.Domain,
            Attributes =
            [
                Attributes.Int("interleaved", 0),
                Attributes.Int("num_heads", heads),
                Attributes.Int("rotary_embedding_dim", config.HeadDim),
            ],
        })[0];
}
