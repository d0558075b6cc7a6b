using Qwen3Onnx.Onnx;
using static Qwen3Onnx.Models.Weights.Qwen3WeightNames;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Qwen3-MoE: sparse layers replace the MLP by a routed mixture of SwiGLU experts. Only the k chosen experts are
/// computed: their stacked weights are gathered per token, a bounded chunk of tokens per Loop iteration so that a long
/// prefill never materialises every token's expert weights at once.
/// <code>
///   x[N,H] ─Cast(f32)─ MatMul(router) ─ Softmax ─ TopK(k) ─┬─ weights ─ (÷ sum) ─Cast(T)─┐
///                                                           └─ ids ─────────────────────┤
///   Loop over chunks of C tokens:                                                        ▼
///     rows[c,1,1,H] ─┬─ MatMul(Gather(gate, ids)) ─ silu ─┐
///                    └─ MatMul(Gather(up, ids)) ───────── Mul ─ MatMul(Gather(down, ids)) ─ [c,k,H] ─ Mul(weights) ─ ReduceSum(k)
///     carried = Concat(carried, chunk result)   → [N, H]
/// </code>
/// </summary>
internal sealed class Qwen3MoeGraphBuilder(BuildContext context) : Qwen3GraphBuilder(context)
{
    /// <summary>Bytes of gathered expert weights one chunk may hold; at most 16 tokens per chunk.</summary>
    private const long ChunkWeightBudget = 256L << 20;
    private const int MaxChunkTokens = 16;

    protected override OnnxValue FeedForward(int layer, OnnxValue x) => Config.IsMoeLayer(layer) ? Moe(layer, x) : Mlp(layer, x);

    private OnnxValue Moe(int layer, OnnxValue x)
    {
        using var scope = G.Scope("moe");
        int hidden = Config.HiddenSize;
        var flat = G.Reshape(x, [-1, hidden], "tokens", hidden);                                    // [N, H]
        var (routingWeights, expertIds) = Route(layer, flat);                                        // [N, k]
        var stacks = Stacks(layer);
        var mixed = OverTokenChunks(flat, routingWeights, expertIds, stacks);                        // [N, H]
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

    private OnnxValue OverTokenChunks(OnnxValue flat, OnnxValue routingWeights, OnnxValue expertIds, ExpertStacks stacks)
    {
        using var scope = G.Scope("chunks");
        long chunk = ChunkTokens();
        var tokens = G.ToScalar(G.Shape(flat, 0, 1));
        var trips = G.Div(G.Add(tokens, G.Constant([chunk - 1], scalar: true)), G.Constant([chunk], scalar: true));
        var none = G.Empty(ActivationType, 0, Config.HiddenSize);
        return G.Loop(trips, none, flat.Shape, (iteration, done) =>
        {
            var start = G.Unsqueeze(G.Mul(iteration, G.Constant([chunk], scalar: true)), 0);
            var end = G.Add(start, G.Constant([chunk]));
            var rows = G.SliceRows(flat, start, end, "chunk");
            var mixed = MixExperts(rows, G.SliceRows(routingWeights, start, end, "chunk"), G.SliceRows(expertIds, start, end, "chunk"), stacks);
            return G.Concat(0, "tokens", done, mixed);
        });
    }

    /// <summary>The chosen experts' SwiGLU on each row, weighted and summed: rows [c, H] → [c, H].</summary>
    private OnnxValue MixExperts(OnnxValue rows, OnnxValue routingWeights, OnnxValue expertIds, ExpertStacks stacks)
    {
        using var scope = G.Scope("experts");
        int hidden = Config.HiddenSize, k = Config.NumExpertsPerTok;
        var tokenRows = G.Reshape(rows, [-1, 1, 1, hidden], rows[0], 1, 1, hidden);                // [c, 1, 1, H]
        var gate = ExpertProjection("gate_proj", tokenRows, stacks.Gate, expertIds);                 // [c, k, 1, I]
        var up = ExpertProjection("up_proj", tokenRows, stacks.Up, expertIds);
        var down = ExpertProjection("down_proj", GatedSilu(gate, up), stacks.Down, expertIds);      // [c, k, 1, H]
        var perExpert = G.Reshape(down, [-1, k, hidden], rows[0], k, hidden);                       // [c, k, H]
        var weighted = G.Mul(perExpert, G.Unsqueeze(routingWeights, -1));
        return G.ReduceSum(weighted, [1], keepDims: false);                                          // [c, H]
    }

    private OnnxValue ExpertProjection(string name, OnnxValue x, OnnxValue stacked, OnnxValue expertIds)
    {
        using var scope = G.Scope(name);
        return G.MatMul(x, G.Gather(stacked, expertIds));                                            // [c, 1|k, 1, in] · [c, k, in, out]
    }

    private ExpertStacks Stacks(int layer)
    {
        OnnxValue Stack(string name, Func<int, int, string> hfName) =>
            Weights.StackedLinear(
                Layer(layer, $"mlp.experts.{name}.weight.stacked"),
                Enumerable.Range(0, Config.NumExperts).Select(e => hfName(layer, e)).ToList());

        return new ExpertStacks(Stack("gate_proj", ExpertGateProj), Stack("up_proj", ExpertUpProj), Stack("down_proj", ExpertDownProj));
    }

    /// <summary>Tokens per Loop iteration: as many as fit the gathered-weight budget, 1 to 16.</summary>
    private long ChunkTokens()
    {
        long perToken = (long)Config.NumExpertsPerTok * 3 * Config.HiddenSize * Config.MoeIntermediateSize
            * (ActivationType == DataType.Float16 ? 2 : 4);
        return Math.Clamp(ChunkWeightBudget / perToken, 1, MaxChunkTokens);
    }
}
