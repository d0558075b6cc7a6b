using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Onnx;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Attention from standard ONNX ops: rotate-half RoPE, past ‖ new concatenation, KV heads repeated for GQA,
/// scaled scores plus a finite additive mask, softmax in float32.
/// <code>
///   q ─Transpose─ RoPE ──────────────────────────────┐
///   k ─Transpose─ RoPE ─ Concat(past) ─┬─ RepeatKv ─ MatMul(qᵀk) ─Cast(f32)─ Mul(scale) ─ Add(bias) ─ Softmax ─Cast(T)─┐
///                                      └─ present.key                                                                   │
///   v ─Transpose─────── Concat(past) ─┬─ RepeatKv ───────────────────────────────────────────────────────────── MatMul ─ Transpose ─ Reshape
///                                     └─ present.value
/// </code>
/// </summary>
internal sealed class PortableAttention : IAttentionEmitter
{
    private const float MaskedScore = -1e9f;

    private readonly GraphBuilder _g;
    private readonly Qwen3Config _config;
    private readonly Rotary _rotary;
    private readonly OnnxValue _bias;

    public PortableAttention(GraphBuilder g, Qwen3Config config, ModelInputs inputs, Rotary rotary)
    {
        _g = g;
        _config = config;
        _rotary = rotary;
        using (g.Scope("attention_bias"))
        {
            _bias = AttentionBias(inputs);
        }
    }

    public AttentionResult Attend(OnnxValue query, OnnxValue key, OnnxValue value, (OnnxValue Key, OnnxValue Value) past)
    {
        OnnxValue q, k, v;
        using (_g.Scope("rotary"))
        {
            q = _rotary.Apply(_g.Transpose(query, 0, 2, 1, 3));  // [B, H, S, D]
            k = _rotary.Apply(_g.Transpose(key, 0, 2, 1, 3));    // [B, KV, S, D]
        }

        v = _g.Transpose(value, 0, 2, 1, 3);                      // [B, KV, S, D]
        OnnxValue presentKey, presentValue;
        using (_g.Scope("kv_cache"))
        {
            presentKey = _g.Concat(2, GraphIoNames.TotalSequenceLength, past.Key, k);       // [B, KV, T, D]
            presentValue = _g.Concat(2, GraphIoNames.TotalSequenceLength, past.Value, v);
        }

        var context = ScaledDotProduct(q, RepeatKv(presentKey, "repeat_k"), RepeatKv(presentValue, "repeat_v"));
        return new AttentionResult(context, presentKey, presentValue);
    }

    private OnnxValue ScaledDotProduct(OnnxValue q, OnnxValue k, OnnxValue v)
    {
        using var scope = _g.Scope("sdpa");
        var scores = _g.Cast(_g.MatMul(q, _g.Transpose(k, 0, 1, 3, 2)), DataType.Float);     // [B, H, S, T]
        scores = _g.Add(_g.Mul(scores, _g.Scalar(1f / MathF.Sqrt(_config.HeadDim))), _bias);
        var probabilities = _g.Cast(_g.Softmax(scores), q.ElementType);
        var context = _g.Transpose(_g.MatMul(probabilities, v), 0, 2, 1, 3);                  // [B, S, H, D]
        return _g.Reshape(context, [0, 0, _config.QueryWidth], context[0], context[1], _config.QueryWidth);
    }

    /// <summary>[B, KV, T, D] → [B, KV·G, T, D], each kv head repeated G times in place (HF repeat_kv).</summary>
    private OnnxValue RepeatKv(OnnxValue x, string scopeName)
    {
        int groups = _config.GroupSize;
        if (groups == 1)
        {
            return x;
        }

        using var scope = _g.Scope(scopeName);
        var target = _g.Concat(0, 5, _g.Shape(x, 0, 2), _g.Constant(groups), _g.Shape(x, 2, 4));
        var expanded = _g.Expand(_g.Unsqueeze(x, 2), target, x[0], x[1], groups, x[2], x[3]);
        return _g.Reshape(expanded, [0, _config.NumAttentionHeads, -1, _config.HeadDim], x[0], _config.NumAttentionHeads, x[2], x[3]);
    }

    /// <summary>
    /// Additive mask [B, 1, S, T]: 0 where key j ≤ query position past+i and attention_mask[b, j] = 1, else a large
    /// finite negative, so that rows with no visible key (left padding) stay finite.
    /// </summary>
    private OnnxValue AttentionBias(ModelInputs inputs)
    {
        var total = ToScalar(_g.Shape(inputs.AttentionMask, 1, 2));
        var past = _g.Sub(total, ToScalar(_g.Shape(inputs.InputIds, 1, 2)));
        var one = _g.Constant([1], scalar: true);
        var keyPositions = _g.Range(_g.Constant([0], scalar: true), total, one, GraphIoNames.TotalSequenceLength);
        var queryPositions = _g.Range(past, total, one, GraphIoNames.SequenceLength);
        var causal = _g.LessOrEqual(_g.Unsqueeze(keyPositions, 0), _g.Unsqueeze(queryPositions, 1));   // [S, T]
        var notPadding = _g.Unsqueeze(_g.Equal(inputs.AttentionMask, one), 1, 2);                      // [B, 1, 1, T]
        return _g.Where(_g.And(causal, notPadding), _g.Scalar(0f), _g.Scalar(MaskedScore));            // [B, 1, S, T]
    }

    private OnnxValue ToScalar(OnnxValue vector) => _g.Reshape(vector, _g.Constant([], scalar: false));
}
