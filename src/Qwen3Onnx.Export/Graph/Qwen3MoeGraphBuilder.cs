using Qwen3Onnx.Onnx;
using static Qwen3Onnx.Models.Weights.Qwen3WeightNames;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Qwen3-MoE: sparse layers replace the MLP by a routed mixture of SwiGLU experts. The router MatMul stays float32
/// (low precision there flips expert choices); how the experts are mixed is the flavour's <see cref="IMoeEmitter"/>.
/// <code>
///   x[B,S,H] ─ Reshape[N,H] ─┬─ Cast(f32) ─ MatMul(router) ─ logits[N,E] ─┐
///                            └──────────────────────────────────────── experts ─ Reshape[B,S,H]
/// </code>
/// </summary>
internal sealed class Qwen3MoeGraphBuilder : Qwen3GraphBuilder
{
    private readonly IMoeEmitter _experts;

    public Qwen3MoeGraphBuilder(BuildContext context)
        : base(context)
    {
        _experts = Flavor.Moe(G, Config, Weights);
    }

    protected override OnnxValue FeedForward(int layer, OnnxValue x) => Config.IsMoeLayer(layer) ? Moe(layer, x) : Mlp(layer, x);

    private OnnxValue Moe(int layer, OnnxValue x)
    {
        using var scope = G.Scope("moe");
        int hidden = Config.HiddenSize;
        var tokens = G.Reshape(x, [-1, hidden], "tokens", hidden);                                  // [N, H]
        var mixed = _experts.Mix(layer, tokens, RouterLogits(layer, tokens));                      // [N, H]
        return G.Reshape(mixed, G.Shape(x, 0, 3), x[0], x[1], hidden);                             // [B, S, H]
    }

    private OnnxValue RouterLogits(int layer, OnnxValue tokens)
    {
        using var scope = G.Scope("router");
        return G.MatMul(G.Cast(tokens, DataType.Float), Weights.LinearFloat32(Router(layer)));   // [N, E]
    }
}
