using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;
using static Qwen3Onnx.Models.Weights.Qwen3WeightNames;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// One projection per weight, as the checkpoint stores them:
/// <code>
///   x ─┬─ q_proj ─ Reshape[B,S,H,D]        x ─┬─ gate_proj
///      ├─ k_proj ─ Reshape[B,S,KV,D]          └─ up_proj
///      └─ v_proj ─ Reshape[B,S,KV,D]
/// </code>
/// </summary>
internal sealed class SeparateInputProjections(GraphBuilder g, IProjectionEmitter projection, Qwen3Config config) : IInputProjections
{
    public (OnnxValue Q, OnnxValue K, OnnxValue V) Qkv(int layer, OnnxValue x) => (
        Heads(Project("q_proj", x, QProj(layer)), config.NumAttentionHeads),
        Heads(Project("k_proj", x, KProj(layer)), config.NumKeyValueHeads),
        Heads(Project("v_proj", x, VProj(layer)), config.NumKeyValueHeads));

    public (OnnxValue Gate, OnnxValue Up) GateUp(int layer, OnnxValue x) =>
        (Project("gate_proj", x, GateProj(layer)), Project("up_proj", x, UpProj(layer)));

    private OnnxValue Project(string scopeName, OnnxValue x, string hfWeightName)
    {
        using var scope = g.Scope(scopeName);
        return projection.Project(x, hfWeightName);
    }

    /// <summary>[B, S, heads·D] → [B, S, heads, D].</summary>
    private OnnxValue Heads(OnnxValue x, int heads) =>
        g.Reshape(x, [0, 0, heads, config.HeadDim], x[0], x[1], heads, config.HeadDim);
}
