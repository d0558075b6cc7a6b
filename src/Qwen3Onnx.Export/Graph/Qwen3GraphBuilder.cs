using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Onnx;
using static Qwen3Onnx.Models.Weights.Qwen3WeightNames;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// The Qwen3 decoder as an ONNX graph, one method per block, reading like the math:
/// <code>
///   x = Embedding(input_ids)
///   for each layer:  h = x + Attention(RmsNorm(x));  x = h + FeedForward(RmsNorm(h))
///   logits = LmHead(FinalNorm(x))
/// </code>
/// Each residual add is emitted together with the norm that reads its sum (the next layer's input norm, or the
/// final norm), so a fused flavour can turn the pair into one SkipSimplifiedLayerNormalization.
/// The MoE model overrides only <see cref="FeedForward"/>.
/// </summary>
internal class Qwen3GraphBuilder
{
    private readonly IAttentionEmitter _attention;
    private readonly IEmbeddingEmitter _embedding;
    private readonly IInputProjections _inputProjections;
    private readonly bool _lastTokenLogitsOnly;
    private readonly List<(OnnxValue Key, OnnxValue Value)> _presents = [];

    protected Qwen3GraphBuilder(BuildContext context)
    {
        Config = context.Config;
        G = context.Graph;
        Weights = context.Weights;
        Flavor = context.Flavor;
        Inputs = DeclareInputs();
        Projection = context.Flavor.Projection(G, Weights);
        Norm = context.Flavor.Norm(G, Weights, Config.RmsNormEps);
        _inputProjections = context.Flavor.InputProjections(G, Projection, Config);
        _embedding = context.Flavor.Embedding(G, Weights, Config);
        _attention = context.Flavor.Attention(G, Config, Inputs, Weights, context.MaxSequenceLength);
        _lastTokenLogitsOnly = context.LastTokenLogitsOnly;
    }

    protected Qwen3Config Config { get; }

    protected GraphBuilder G { get; }

    protected WeightMap Weights { get; }

    protected GraphFlavor Flavor { get; }

    protected ModelInputs Inputs { get; }

    protected IProjectionEmitter Projection { get; }

    protected INormEmitter Norm { get; }

    protected DataType ActivationType => Weights.WeightType;

    /// <summary>Builds the whole graph for <paramref name="context"/>'s config, dense or MoE.</summary>
    public static void Build(BuildContext context, Action<int>? layerDone = null)
    {
        var builder = context.Config.IsMoe ? new Qwen3MoeGraphBuilder(context) : new Qwen3GraphBuilder(context);
        builder.Emit(layerDone);
    }

    protected virtual OnnxValue FeedForward(int layer, OnnxValue x) => Mlp(layer, x);

    /// <summary>
    /// SwiGLU: down(silu(gate(x)) · up(x)), silu(a) = a · sigmoid(a).
    /// <code>
    ///   x ─┬─ gate_proj ─┬─ Sigmoid ─ Mul ─┐
    ///      │             └────────────┘    Mul ─ down_proj
    ///      └─ up_proj ─────────────────────┘
    /// </code>
    /// </summary>
    protected OnnxValue Mlp(int layer, OnnxValue x)
    {
        using var scope = G.Scope("mlp");
        var (gate, up) = _inputProjections.GateUp(layer, x);
        return Project("down_proj", GatedSilu(gate, up), DownProj(layer));
    }

    /// <summary>silu(gate) · up, with silu(a) = a · sigmoid(a).</summary>
    protected OnnxValue GatedSilu(OnnxValue gate, OnnxValue up)
    {
        using var scope = G.Scope("act");
        return G.Mul(G.Mul(gate, G.Sigmoid(gate)), up);
    }

    protected OnnxValue Project(string scopeName, OnnxValue x, string hfWeightName)
    {
        using var scope = G.Scope(scopeName);
        return Projection.Project(x, hfWeightName);
    }

    protected OnnxValue RmsNorm(string scopeName, OnnxValue x, string hfWeightName)
    {
        using var scope = G.Scope(scopeName);
        return Norm.RmsNorm(x, hfWeightName);
    }

    private void Emit(Action<int>? layerDone)
    {
        var x = Embedding();
        var normed = RmsNorm("input_layernorm", x, InputNorm(0));
        for (int layer = 0; layer < Config.NumHiddenLayers; layer++)
        {
            (normed, x) = DecoderLayer(layer, x, normed);
            layerDone?.Invoke(layer);
        }

        G.AddOutput(LmHead(normed), GraphIoNames.Logits);
        for (int layer = 0; layer < _presents.Count; layer++)
        {
            G.AddOutput(_presents[layer].Key, GraphIoNames.PresentKey(layer));
            G.AddOutput(_presents[layer].Value, GraphIoNames.PresentValue(layer));
        }
    }

    /// <summary>Returns the residual stream after the layer and its normalisation by the next norm (next layer's input norm, or the final norm).</summary>
    private (OnnxValue Normed, OnnxValue X) DecoderLayer(int layer, OnnxValue x, OnnxValue normedX)
    {
        using var scope = G.Scope($"layers.{layer}");
        var (normedH, h) = Residual("attn_residual", x, Attention(layer, normedX), PostAttentionNorm(layer));
        string nextNorm = layer + 1 < Config.NumHiddenLayers ? InputNorm(layer + 1) : FinalNorm;
        return Residual("mlp_residual", h, FeedForward(layer, normedH), nextNorm);
    }

    private (OnnxValue Normed, OnnxValue Sum) Residual(string scopeName, OnnxValue x, OnnxValue delta, string normWeight)
    {
        using var scope = G.Scope(scopeName);
        return Norm.AddRmsNorm(x, delta, normWeight);
    }

    private OnnxValue Embedding()
    {
        using var scope = G.Scope("embed_tokens");
        return _embedding.Embed(Inputs.InputIds);                   // [B, S, H]
    }

    /// <summary>
    /// <code>
    ///   x ─┬─ q [B,S,H,D] ── q_norm ─┐
    ///      ├─ k [B,S,KV,D] ─ k_norm ─ attention(RoPE, cache, GQA) ─ o_proj
    ///      └─ v [B,S,KV,D] ──────────┘
    /// </code>
    /// q, k, v come from the flavour's <see cref="IInputProjections"/>: three projections, or one packed.
    /// </summary>
    private OnnxValue Attention(int layer, OnnxValue x)
    {
        using var scope = G.Scope("attn");
        var (q, k, v) = _inputProjections.Qkv(layer, x);
        q = RmsNorm("q_norm", q, QNorm(layer));
        k = RmsNorm("k_norm", k, KNorm(layer));
        var result = _attention.Attend(q, k, v, Inputs.Past[layer]);
        _presents.Add((result.PresentKey, result.PresentValue));
        return Project("o_proj", result.Context, OProj(layer));
    }

    private OnnxValue LmHead(OnnxValue x)
    {
        if (_lastTokenLogitsOnly)
        {
            using var last = G.Scope("last_token");
            // Gather rather than Slice(-1, INT64_MAX): that Slice crashes ONNX Runtime 1.29's CUDA provider.
            x = G.Gather(x, G.Constant([-1L]), axis: 1);               // [B, 1, H]
        }

        var logits = Project("lm_head", x, OutputProjection(Config));  // tied: the embedding, transposed
        using var scope = G.Scope("lm_head");
        return G.Cast(logits, DataType.Float);
    }

    private ModelInputs DeclareInputs()
    {
        Dim batch = GraphIoNames.Batch, seq = GraphIoNames.SequenceLength, past = GraphIoNames.PastSequenceLength;
        var inputIds = G.AddInput(GraphIoNames.InputIds, DataType.Int64, batch, seq);
        var mask = G.AddInput(GraphIoNames.AttentionMask, DataType.Int64, batch, GraphIoNames.TotalSequenceLength);
        var positions = G.AddInput(GraphIoNames.PositionIds, DataType.Int64, batch, seq);
        var pastValues = Enumerable.Range(0, Config.NumHiddenLayers)
            .Select(i => (
                G.AddInput(GraphIoNames.PastKey(i), ActivationType, batch, Config.NumKeyValueHeads, past, Config.HeadDim),
                G.AddInput(GraphIoNames.PastValue(i), ActivationType, batch, Config.NumKeyValueHeads, past, Config.HeadDim)))
            .ToList();
        return new ModelInputs(inputIds, mask, positions, pastValues);
    }
}
