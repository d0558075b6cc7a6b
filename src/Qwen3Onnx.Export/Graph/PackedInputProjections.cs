using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;
using static Qwen3Onnx.Models.Weights.Qwen3WeightNames;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// One projection per block on the weights' rows concatenated (q ‖ k ‖ v, gate ‖ up), then the parts cut apart: the
/// input is read (and, for MatMulNBits, quantized) once, and each layer has four projection nodes fewer.
/// <code>
///   x ─ qkv_proj ─┬─ Slice[0, H·D) ─ Reshape[B,S,H,D] ─ q
///                 └─ Reshape[B,S,H+2·KV,D] ─ Slice(heads) ×2 ─ k, v          x ─ gate_up_proj ─ Split ─ gate, up
/// </code>
/// q, k and v must not meet in one unequal Split: ONNX Runtime's CUDA Split with unequal parts uploads its part table
/// from a per-run host buffer that a captured CUDA graph re-reads after later runs have reused it (the replayed decode
/// step after a prefill went wrong). ONNX Runtime fuses Slices that cover a whole axis into such a Split
/// (GatherSliceToSplitFusion), so q is cut from the flat projection and k, v from the heads view, neither covering
/// its axis. An equal-parts Split (gate ‖ up) passes its table by value and is safe.
/// </summary>
internal sealed class PackedInputProjections(GraphBuilder g, IProjectionEmitter projection, Qwen3Config config) : IInputProjections
{
    public (OnnxValue Q, OnnxValue K, OnnxValue V) Qkv(int layer, OnnxValue x)
    {
        using var scope = g.Scope("qkv_proj");
        var qkv = projection.Project(x, new PackedLinear(Layer(layer, "self_attn.qkv_proj.weight"), [QProj(layer), KProj(layer), VProj(layer)]));
        int q = config.NumAttentionHeads, kv = config.NumKeyValueHeads, d = config.HeadDim;
        var query = g.Slice(qkv, -1, 0, q * d, q * d);                                            // [B, S, H·D]
        var heads = g.Reshape(qkv, [0, 0, q + (2 * kv), d], x[0], x[1], q + (2 * kv), d);        // [B, S, H+2·KV, D]
        return (
            g.Reshape(query, [0, 0, q, d], x[0], x[1], q, d),
            g.Slice(heads, 2, q, q + kv, kv),
            g.Slice(heads, 2, q + kv, q + (2 * kv), kv));
    }

    public (OnnxValue Gate, OnnxValue Up) GateUp(int layer, OnnxValue x)
    {
        using var scope = g.Scope("gate_up_proj");
        var gateUp = projection.Project(x, new PackedLinear(Layer(layer, "mlp.gate_up_proj.weight"), [GateProj(layer), UpProj(layer)]));
        int inter = config.IntermediateSize;
        var parts = Split(gateUp, -1, inter, inter);
        return (parts[0], parts[1]);
    }

    private IReadOnlyList<OnnxValue> Split(OnnxValue x, int axis, params long[] sizes)
    {
        int at = axis < 0 ? x.Rank + axis : axis;
        var outputs = sizes.Select(size => new TensorType(x.ElementType, [.. x.Shape.Take(at), size, .. x.Shape.Skip(at + 1)])).ToList();
        return g.AddNode(new NodeSpec("Split", [x, g.Constant(sizes)], outputs) { Attributes = [Attributes.Int("axis", axis)] });
    }
}
