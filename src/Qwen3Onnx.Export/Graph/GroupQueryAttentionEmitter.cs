using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Attention through com.microsoft GroupQueryAttention, keeping the portable graph's contract (left padding,
/// present = past ‖ new). GQA assumes right padding, so (docs/FUSED_OPS.md):
/// seqlens_k = total − 1 for every row (every new token lands at index past), padding is hidden by an additive
/// attention_bias built from attention_mask, and RoPE is applied outside (do_rotary = 0) from position_ids.
/// <code>
///   q, k [B,S,N,D] ─ RoPE ─ Reshape[B,S,N·D] ─┐
///   v ──────────────────── Reshape[B,S,N·D] ─ GroupQueryAttention(past, seqlens_k, total, bias) ─ context, present
/// </code>
/// </summary>
internal sealed class GroupQueryAttentionEmitter : IAttentionEmitter
{
    /// <summary>Finite, so a query that sees only padding stays finite; representable in float16.</summary>
    private const float MaskedScore = -10000f;

    private readonly GraphBuilder _g;
    private readonly Qwen3Config _config;
    private readonly Rotary _rotary;
    private readonly OnnxValue _seqlensK;
    private readonly OnnxValue _totalLength;
    private readonly OnnxValue _bias;

    public GroupQueryAttentionEmitter(GraphBuilder g, Qwen3Config config, ModelInputs inputs, Rotary rotary, DataType activationType)
    {
        _g = g;
        _config = config;
        _rotary = rotary;
        using var scope = g.Scope("attention_inputs");
        var total = g.Shape(inputs.AttentionMask, 1, 2);                                           // [1]
        _totalLength = g.Cast(g.ToScalar(total), DataType.Int32);
        var lastIndex = g.Sub(total, g.Constant([1L]));
        _seqlensK = g.Cast(g.Expand(lastIndex, g.Shape(inputs.AttentionMask, 0, 1), GraphIoNames.Batch), DataType.Int32);   // [B]
        _bias = PaddingBias(inputs, activationType);
    }

    public AttentionResult Attend(OnnxValue query, OnnxValue key, OnnxValue value, (OnnxValue Key, OnnxValue Value) past)
    {
        OnnxValue q, k;
        using (_g.Scope("rotary"))
        {
            q = Flatten(_rotary.Apply(query), _config.QueryWidth);
            k = Flatten(_rotary.Apply(key), _config.KeyValueWidth);
        }

        var v = Flatten(value, _config.KeyValueWidth);
        Dim[] presentShape = [past.Key[0], _config.NumKeyValueHeads, GraphIoNames.TotalSequenceLength, _config.HeadDim];
        var outputs = _g.AddNode(new NodeSpec(
            "GroupQueryAttention",
            [q, k, v, past.Key, past.Value, _seqlensK, _totalLength, null, null, null, _bias],
            [new(q.ElementType, q.Shape), new(q.ElementType, presentShape), new(q.ElementType, presentShape)])
        {
            Domain = ContribOps.Domain,
            Attributes =
            [
                Attributes.Int("num_heads", _config.NumAttentionHeads),
                Attributes.Int("kv_num_heads", _config.NumKeyValueHeads),
                Attributes.Int("do_rotary", 0),
            ],
        });
        return new AttentionResult(outputs[0], outputs[1], outputs[2]);
    }

    /// <summary>[B, S, heads, D] → [B, S, heads·D].</summary>
    private OnnxValue Flatten(OnnxValue x, int width) => _g.Reshape(x, [0, 0, width], x[0], x[1], width);

    /// <summary>(1 − attention_mask) · MaskedScore as [B, 1, S, T] in the activation dtype: GQA's own causal mask does the rest.</summary>
    private OnnxValue PaddingBias(ModelInputs inputs, DataType activationType)
    {
        var mask = _g.Cast(inputs.AttentionMask, DataType.Float);                                    // [B, T]
        var bias = _g.Cast(_g.Mul(_g.Sub(_g.Scalar(1f), mask), _g.Scalar(MaskedScore)), activationType);
        var target = _g.Concat(
            0,
            4,
            _g.Shape(inputs.AttentionMask, 0, 1),
            _g.Constant([1L]),
            _g.Shape(inputs.InputIds, 1, 2),
            _g.Shape(inputs.AttentionMask, 1, 2));
        var mask4 = _g.Unsqueeze(bias, 1, 2);                                                        // [B, 1, 1, T]
        return _g.Expand(mask4, target, GraphIoNames.Batch, 1, GraphIoNames.SequenceLength, GraphIoNames.TotalSequenceLength);
    }
}
