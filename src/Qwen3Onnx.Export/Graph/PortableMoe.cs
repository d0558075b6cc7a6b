using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;
using static Qwen3Onnx.Models.Weights.Qwen3WeightNames;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Experts from standard ops. Only the k chosen experts are computed: their stacked weights are gathered per token,
/// a bounded chunk of tokens per Loop iteration so that a long prefill never materialises every token's expert
/// weights at once.
/// <code>
///   logits ─ Softmax ─ TopK(k) ─┬─ weights ─ (÷ sum) ─Cast(T)─┐
///                               └─ ids ─────────────────────┤
///   Loop over chunks of C tokens:                            ▼
///     rows[c,1,1,H] ─┬─ MatMul(Gather(gate, ids)) ─ silu ─┐
///                    └─ MatMul(Gather(up, ids)) ───────── Mul ─ MatMul(Gather(down, ids)) ─ [c,k,H] ─ Mul(weights) ─ ReduceSum(k)
///     carried = Concat(carried, chunk result)   → [N, H]
/// </code>
/// </summary>
internal sealed class PortableMoe(GraphBuilder g, Qwen3Config config, WeightMap weights) : IMoeEmitter
{
    /// <summary>Bytes of gathered expert weights one chunk may hold; at most 16 tokens per chunk.</summary>
    private const long ChunkWeightBudget = 256L << 20;
    private const int MaxChunkTokens = 16;

    private DataType ActivationType => weights.WeightType;

    public OnnxValue Mix(int layer, OnnxValue tokens, OnnxValue routerLogits)
    {
        var (routingWeights, expertIds) = Route(routerLogits);                                       // [N, k]
        return OverTokenChunks(tokens, routingWeights, expertIds, Stacks(layer));                    // [N, H]
    }

    /// <summary>Softmax over all experts in float32, top-k, renormalised over the chosen k when norm_topk_prob.</summary>
    private (OnnxValue Weights, OnnxValue ExpertIds) Route(OnnxValue logits)
    {
        using var scope = g.Scope("router");
        var (top, ids) = g.TopK(g.Softmax(logits), config.NumExpertsPerTok);
        if (config.NormTopkProb)
        {
            top = g.Div(top, g.ReduceSum(top, [-1], keepDims: true));
        }

        return (g.Cast(top, ActivationType), ids);
    }

    private OnnxValue OverTokenChunks(OnnxValue flat, OnnxValue routingWeights, OnnxValue expertIds, ExpertStacks stacks)
    {
        using var scope = g.Scope("chunks");
        long chunk = ChunkTokens();
        var tokens = g.ToScalar(g.Shape(flat, 0, 1));
        var trips = g.Div(g.Add(tokens, g.Constant([chunk - 1], scalar: true)), g.Constant([chunk], scalar: true));
        var none = g.Empty(ActivationType, 0, config.HiddenSize);
        return g.Loop(trips, none, flat.Shape, (iteration, done) =>
        {
            var start = g.Unsqueeze(g.Mul(iteration, g.Constant([chunk], scalar: true)), 0);
            var end = g.Add(start, g.Constant([chunk]));
            var rows = g.SliceRows(flat, start, end, "chunk");
            var mixed = MixExperts(rows, g.SliceRows(routingWeights, start, end, "chunk"), g.SliceRows(expertIds, start, end, "chunk"), stacks);
            return g.Concat(0, "tokens", done, mixed);
        });
    }

    /// <summary>The chosen experts' SwiGLU on each row, weighted and summed: rows [c, H] → [c, H].</summary>
    private OnnxValue MixExperts(OnnxValue rows, OnnxValue routingWeights, OnnxValue expertIds, ExpertStacks stacks)
    {
        using var scope = g.Scope("experts");
        int hidden = config.HiddenSize, k = config.NumExpertsPerTok;
        var tokenRows = g.Reshape(rows, [-1, 1, 1, hidden], rows[0], 1, 1, hidden);                // [c, 1, 1, H]
        var gate = ExpertProjection("gate_proj", tokenRows, stacks.Gate, expertIds);                 // [c, k, 1, I]
        var up = ExpertProjection("up_proj", tokenRows, stacks.Up, expertIds);
        var down = ExpertProjection("down_proj", GatedSilu(gate, up), stacks.Down, expertIds);      // [c, k, 1, H]
        var perExpert = g.Reshape(down, [-1, k, hidden], rows[0], k, hidden);                       // [c, k, H]
        var weighted = g.Mul(perExpert, g.Unsqueeze(routingWeights, -1));
        return g.ReduceSum(weighted, [1], keepDims: false);                                          // [c, H]
    }

    private OnnxValue GatedSilu(OnnxValue gate, OnnxValue up)
    {
        using var scope = g.Scope("act");
        return g.Mul(g.Mul(gate, g.Sigmoid(gate)), up);
    }

    private OnnxValue ExpertProjection(string name, OnnxValue x, OnnxValue stacked, OnnxValue expertIds)
    {
        using var scope = g.Scope(name);
        return g.MatMul(x, g.Gather(stacked, expertIds));                                            // [c, 1|k, 1, in] · [c, k, in, out]
    }

    private ExpertStacks Stacks(int layer)
    {
        OnnxValue Stack(string name, Func<int, int, string> hfName) =>
            weights.StackedLinear(
                Layer(layer, $"mlp.experts.{name}.weight.stacked"),
                Enumerable.Range(0, config.NumExperts).Select(e => hfName(layer, e)).ToList());

        return new ExpertStacks(Stack("gate_proj", ExpertGateProj), Stack("up_proj", ExpertUpProj), Stack("down_proj", ExpertDownProj));
    }

    /// <summary>Tokens per Loop iteration: as many as fit the gathered-weight budget, 1 to 16.</summary>
    private long ChunkTokens()
    {
        long perToken = (long)config.NumExpertsPerTok * 3 * config.HiddenSize * config.MoeIntermediateSize
            * (ActivationType == DataType.Float ? 4 : 2);
        return Math.Clamp(perToken == 0 ? 1 : ChunkWeightBudget / perToken, 1, MaxChunkTokens);
    }
}
