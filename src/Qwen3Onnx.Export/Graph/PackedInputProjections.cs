using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;
using static Qwen3Onnx.Models.Weights.Qwen3WeightNames;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// One projection per block on the weights' rows concatenated (q ‖ k ‖ v, gate ‖ up), then the parts cut apart: the
/// input is read (and, for MatMulNBits, quantized) once, and each layer has four projection nodes fewer.
/// <code>
///   x ─ qkv_proj ─ Reshape[B,S,H+2·KV,D] ─ Gather(heads) ×3 ─ q, k, v      x ─ gate_up_proj ─ Split ─ gate, up
/// </code>
/// q, k and v are cut by Gathers of head-index lists. Not a Split: ONNX Runtime's CUDA Split with unequal parts uploads
/// its part table from a per-run host buffer that a captured CUDA graph re-reads after later runs have reused it (a
/// replayed decode step after a prefill went wrong), and Slices that cover an axis are fused into exactly that Split
/// (GatherSliceToSplitFusion). Not Slices either: a Slice left standing crashes the CUDA provider of ONNX Runtime 1.29
/// (seen on the H100). An equal-parts Split (gate ‖ up) passes its table by value and is safe.
/// </summary>
internal sealed class PackedInputProjections(GraphBuilder g, IProjectionEmitter projection, Qwen3Config config) : IInputProjections
{
    public (OnnxValue Q, OnnxValue K, OnnxValue V) Qkv(int layer, OnnxValue x)
    {
        using var scope = g.Scope("qkv_proj");
        var qkv = projection.Project(x, new PackedLinear(Layer(layer, "self_attn.qkv_proj.weight"), [QProj(layer), KProj(layer), VProj(layer)]));
        int q = config.NumAttentionHeads, kv = config.NumKeyValueHeads, d = config.HeadDim;
        var heads = g.Reshape(qkv, [0, 0, q + (2 * kv), d], x[0], x[1], q + (2 * kv), d);        // [B, S, H+2·KV, D]
        return (Heads(heads, 0, q), Heads(heads, q, kv), Heads(heads, q + kv, kv));
    }

    public (OnnxValue Gate, OnnxValue Up) GateUp(int layer, OnnxValue x)
    {
        using var scope = g.Scope("gate_up_proj");
        var gateUp = projection.Project(x, new PackedLinear(Layer(layer, "mlp.gate_up_proj.weight"), [GateProj(layer), UpProj(layer)]));
        int inter = config.IntermediateSize;
        var parts = Split(gateUp, -1, inter, inter);
        return (parts[0], parts[1]);
    }

    /// <summary>Heads [first, first + count) of x [B, S, heads, D].</summary>
    private OnnxValue Heads(OnnxValue x, long first, long count) =>
        g.Gather(x, g.Constant([.. Enumerable.Range(0, (int)count).Select(i => first + i)]), axis: 2);

    private IReadOnlyList<OnnxValue> Split(OnnxValue x, int axis, params long[] sizes)
    {
        int at = axis < 0 ? x.Rank + axis : axis;
        var outputs = sizes.Select(size => new TensorType(x.ElementType, [.. x.Shape.Take(at), size, .. x.Shape.Skip(at + 1)])).ToList();
        return g.AddNode(new NodeSpec("Split", [x, g.Constant(sizes)], outputs) { Attributes = [Attributes.Int("axis", axis)] });
    }
}
