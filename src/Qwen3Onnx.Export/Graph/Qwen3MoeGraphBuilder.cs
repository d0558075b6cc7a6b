using Qwen3Onnx.Onnx;
using static Qwen3Onnx.Models.Weights.Qwen3WeightNames;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Qwen3-MoE: sparse layers replace the MLP by a routed mixture of SwiGLU experts. Only the k chosen experts are
/// computed: their stacked weights are gathered per token.
/// <code>
///   x[N,H] ─Cast(f32)─ MatMul(router) ─ Softmax ─ TopK(k) ─┬─ weights ─ (÷ sum) ─Cast(T)──────────────────────┐
///                                                           └─ ids ─ Gather(gate/up/down stacks) [N,k,·,·]      │
///   x[N,1,1,H] ─┬─ MatMul(gate[N,k]) ─ silu ─┐                                                                   │
///               └─ MatMul(up[N,k]) ───────── Mul ─ MatMul(down[N,k]) ─ [N,k,H] ─ Mul(weights) ─ ReduceSum(k) ─ [N,H]
/// </code>
/// </summary>
internal sealed class Qwen3MoeGraphBuilder(BuildContext context) : Qwen3GraphBuilder(context)
{
    protected override OnnxValue FeedForward(int layer, OnnxValue x) => Config.IsMoeLayer(layer) ? Moe(layer, x) : Mlp(layer, x);

    private OnnxValue Moe(int layer, OnnxValue x)
    {
        using var scope = G.Scope("moe");
        Dim tokens = "tokens";
        int hidden = Config.HiddenSize, k = Config.NumExpertsPerTok;
        var flat = G.Reshape(x, [-1, hidden], tokens, hidden);                                      // [N, H]
        var (routingWeights, expertIds) = Route(layer, flat);                                        // [N, k]
        var tokenRows = G.Reshape(flat, [-1, 1, 1, hidden], tokens, 1, 1, hidden);                  // [N, 1, 1, H]
        var expertOutputs = Experts(layer, tokenRows, expertIds);                                   // [N, k, 1, H]
        var perExpert = G.Reshape(expertOutputs, [-1, k, hidden], tokens, k, hidden);               // [N, k, H]
        var weighted = G.Mul(perExpert, G.Unsqueeze(routingWeights, -1));
        var mixed = G.ReduceSum(weighted, [1], keepDims: false);                                     // [N, H]
        return G.Reshape(mixed, G.Shape(x, 0, 3), x[0], x[1], hidden);                              // [B, S, H]
    }

    /// <summary>Softmax over all experts in float32, top-k, renormalised over the chosen k when norm_topk_prob.</summary>
    private (OnnxValue Weights, OnnxValue ExpertIds) Route(int layer, OnnxValue flat)
    {
        using var scope = G.Scope("router");
        var logits = G.MatMul(G.Cast(flat, DataType.Float), Weights.LinearFloat32(Router(layer)));
        var (top, ids) = G.TopK(G.Softmax(logits), Config.NumExpertsPerTok);
        if (Config.NormTopkProb)
        {
            top = G.Div(top, G.ReduceSum(top, [-1], keepDims: true));
        }

        return (G.Cast(top, ActivationType), ids);
    }

    /// <summary>The chosen experts' SwiGLU on each token: rows [N, 1, 1, H] → [N, k, 1, H].</summary>
    private OnnxValue Experts(int layer, OnnxValue tokenRows, OnnxValue expertIds)
    {
        using var scope = G.Scope("experts");
        var gate = ExpertProjection("gate_proj", tokenRows, expertIds, layer, ExpertGateProj);
        var up = ExpertProjection("up_proj", tokenRows, expertIds, layer, ExpertUpProj);
        OnnxValue hidden;
        using (G.Scope("act"))
        {
            hidden = G.Mul(G.Mul(gate, G.Sigmoid(gate)), up);
        }

        return ExpertProjection("down_proj", hidden, expertIds, layer, ExpertDownProj);
    }

    private OnnxValue ExpertProjection(string name, OnnxValue x, OnnxValue expertIds, int layer, Func<int, int, string> hfName)
    {
        using var scope = G.Scope(name);
        var names = Enumerable.Range(0, Config.NumExperts).Select(e => hfName(layer, e)).ToList();
        var stacked = Weights.StackedLinear(Layer(layer, $"mlp.experts.{name}.weight.stacked"), names);   // [E, in, out]
        return G.MatMul(x, G.Gather(stacked, expertIds));                                                    // [N, k, 1, out]
    }
}
