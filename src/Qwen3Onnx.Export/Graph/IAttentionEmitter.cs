using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// How rotary embedding, the KV cache and grouped-query causal attention are emitted for one layer
/// (portable ops; later GroupQueryAttention).
/// </summary>
internal interface IAttentionEmitter
{
    /// <param name="query">[batch, seq, heads, head_dim], normalised, before RoPE.</param>
    /// <param name="key">[batch, seq, kv_heads, head_dim], normalised, before RoPE.</param>
    /// <param name="value">[batch, seq, kv_heads, head_dim].</param>
    /// <param name="past">This layer's past key and value inputs.</param>
    AttentionResult Attend(OnnxValue query, OnnxValue key, OnnxValue value, (OnnxValue Key, OnnxValue Value) past);
}
