using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// The projections that read one block's input: q, k, v of attention and gate, up of the MLP. Emitted one
/// projection each (portable) or packed into one projection per block and split (fused: fewer, larger nodes).
/// </summary>
internal interface IInputProjections
{
    /// <summary>q [B, S, heads, D], k and v [B, S, kv_heads, D] from the attention input x [B, S, H].</summary>
    (OnnxValue Q, OnnxValue K, OnnxValue V) Qkv(int layer, OnnxValue x);

    /// <summary>gate and up [B, S, intermediate] from the MLP input x [B, S, H].</summary>
    (OnnxValue Gate, OnnxValue Up) GateUp(int layer, OnnxValue x);
}
