using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Onnx;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Attention through com.microsoft GroupQueryAttention, keeping the portable graph's contract (left padding,
/// present = past ‖ new). GQA assumes right padding, so (docs/FUSED_OPS.md): every row's <c>seqlens_k</c> is the
/// filled length of the cache minus one (the index of the mask's last 1, so every new token lands right after the
/// past), padding is hidden by an additive attention_bias built from attention_mask, and RoPE is applied before GQA
/// (com.microsoft RotaryEmbedding at our position_ids) because GQA's own rotary would count the padding.
/// The filled length is read from the mask rather than its width so the same graph also runs with one past/present
/// buffer of a fixed capacity (a static-shape mask whose tail is zeros), as CUDA graph capture needs.
/// <code>
///   q, k [B,S,N,D] ─ Reshape[B,S,N·D] ─ RotaryEmbedding ─┐
///   v ──────────────── Reshape[B,S,N·D] ─────────────────── GroupQueryAttention(past, seqlens_k, total, bias) ─ context, present
/// </code>
/// </summary>
internal sealed class GroupQueryAttentionEmitter : IAttentionEmitter
{
    /// <summary>Finite, so a query that sees only padding stays finite; representable in float16.</summary>
    private const float MaskedScore = -10000f;

    private readonly GraphBuilder _g;
    private readonly Qwen3Config _config;
    private readonly FusedRotary _rotary;
    private readonly OnnxValue _seqlensK;
    private readonly OnnxValue _totalLength;
    private readonly OnnxValue _bias;

    public GroupQueryAttentionEmitter(GraphBuilder g, Qwen3Config config, ModelInputs inputs, FusedRotary rotary, DataType activationType)
    {
        _g = g;
        _config = config;
        _rotary = rotary;
        using var scope = g.Scope("attention_inputs");
        var width = g.Shape(inputs.AttentionMask, 1, 2);                                           // [1]
        _totalLength = g.Cast(g.ToScalar(width), DataType.Int32);
        _seqlensK = g.Cast(g.Sub(FilledLength(inputs.AttentionMask, width), g.Scalar(1f)), DataType.Int32);   // [B]
        _bias = PaddingBias(inputs, activationType);
    }

    public AttentionResult Attend(OnnxValue query, OnnxValue key, OnnxValue value, (OnnxValue Key, OnnxValue Value) past)
    {
        OnnxValue q, k;
        using (_g.Scope("rotary"))
        {
            q = _rotary.Apply(Flatten(query, _config.QueryWidth), _config.NumAttentionHeads);
            k = _rotary.Apply(Flatten(key, _config.KeyValueWidth), _config.NumKeyValueHeads);
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

    /// <summary>
    /// Per row, one past the index of the mask's last 1: max over t of mask[t]·(t + 1), as float32 [B] (exact below 2^24;
    /// float reductions run on every execution provider).
    /// </summary>
    private OnnxValue FilledLength(OnnxValue mask, OnnxValue width)
    {
        var oneBased = _g.Range(_g.Constant([1L], scalar: true), _g.Add(_g.ToScalar(width), _g.Constant([1L], scalar: true)), _g.Constant([1L], scalar: true), GraphIoNames.TotalSequenceLength);
        var weighted = _g.Mul(_g.Cast(mask, DataType.Float), _g.Cast(oneBased, DataType.Float));  // [B, T]
        return _g.ReduceMax(weighted, [1], keepDims: false);
    }

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
