using Qwen3Onnx.Models.Config;

namespace Qwen3Onnx.Models.Weights;

/// <summary>
/// The one auditable table of HF tensor names and the shapes a config implies for them
/// (HF layout: linear weights are [out_features, in_features]).
/// </summary>
public static class Qwen3WeightNames
{
    public const string Embedding = "model.embed_tokens.weight";
    public const string FinalNorm = "model.norm.weight";
    public const string LmHead = "lm_head.weight";

    public static string Layer(int layer, string suffix) => $"model.layers.{layer}.{suffix}";

    public static string InputNorm(int layer) => Layer(layer, "input_layernorm.weight");

    public static string PostAttentionNorm(int layer) => Layer(layer, "post_attention_layernorm.weight");

    public static string QProj(int layer) => Layer(layer, "self_attn.q_proj.weight");

    public static string KProj(int layer) => Layer(layer, "self_attn.k_proj.weight");

    public static string VProj(int layer) => Layer(layer, "self_attn.v_proj.weight");

    public static string OProj(int layer) => Layer(layer, "self_attn.o_proj.weight");

    public static string QNorm(int layer) => Layer(layer, "self_attn.q_norm.weight");

    public static string KNorm(int layer) => Layer(layer, "self_attn.k_norm.weight");

    public static string GateProj(int layer) => Layer(layer, "mlp.gate_proj.weight");

    public static string UpProj(int layer) => Layer(layer, "mlp.up_proj.weight");

    public static string DownProj(int layer) => Layer(layer, "mlp.down_proj.weight");

    public static string Router(int layer) => Layer(layer, "mlp.gate.weight");

    public static string ExpertGateProj(int layer, int expert) => Layer(layer, $"mlp.experts.{expert}.gate_proj.weight");

    public static string ExpertUpProj(int layer, int expert) => Layer(layer, $"mlp.experts.{expert}.up_proj.weight");

    public static string ExpertDownProj(int layer, int expert) => Layer(layer, $"mlp.experts.{expert}.down_proj.weight");

    /// <summary>The name of the output projection: lm_head, or the embedding when tied.</summary>
    public static string OutputProjection(Qwen3Config config) => config.TieWordEmbeddings ? Embedding : LmHead;

    /// <summary>How many weights the config has: the elements of every <see cref="Expected"/> tensor.</summary>
    public static long ParameterCount(Qwen3Config config) => Expected(config).Sum(tensor => tensor.Shape.Aggregate(1L, (a, b) => a * b));

    /// <summary>Every tensor the config needs, with its expected shape, in checkpoint order.</summary>
    public static IEnumerable<(string Name, long[] Shape)> Expected(Qwen3Config config)
    {
        long hidden = config.HiddenSize;
        yield return (Embedding, [config.VocabSize, hidden]);
        for (int layer = 0; layer < config.NumHiddenLayers; layer++)
        {
            yield return (InputNorm(layer), [hidden]);
            yield return (QProj(layer), [config.QueryWidth, hidden]);
            yield return (KProj(layer), [config.KeyValueWidth, hidden]);
            yield return (VProj(layer), [config.KeyValueWidth, hidden]);
            yield return (OProj(layer), [hidden, config.QueryWidth]);
            yield return (QNorm(layer), [config.HeadDim]);
            yield return (KNorm(layer), [config.HeadDim]);
            yield return (PostAttentionNorm(layer), [hidden]);
            if (config.IsMoeLayer(layer))
            {
                long inter = config.MoeIntermediateSize;
                yield return (Router(layer), [config.NumExperts, hidden]);
                for (int expert = 0; expert < config.NumExperts; expert++)
                {
                    yield return (ExpertGateProj(layer, expert), [inter, hidden]);
                    yield return (ExpertUpProj(layer, expert), [inter, hidden]);
                    yield return (ExpertDownProj(layer, expert), [hidden, inter]);
                }
            }
            else
            {
                long inter = config.IntermediateSize;
                yield return (GateProj(layer), [inter, hidden]);
                yield return (UpProj(layer), [inter, hidden]);
                yield return (DownProj(layer), [hidden, inter]);
            }
        }

        yield return (FinalNorm, [hidden]);
        if (!config.TieWordEmbeddings)
        {
            yield return (LmHead, [config.VocabSize, hidden]);
        }
    }

    /// <summary>
    /// Checks that every tensor the config needs is present with the implied shape; throws
    /// <see cref="Qwen3OnnxException"/> naming the first tensor that is missing or disagrees.
    /// </summary>
    public static void Validate(Qwen3Config config, IWeightSource weights)
    {
        foreach (var (name, shape) in Expected(config))
        {
            if (!weights.Contains(name))
            {
                throw new Qwen3OnnxException($"{weights.Description}: missing tensor '{name}'");
            }

            var info = weights.GetInfo(name);
            if (!info.Shape.SequenceEqual(shape))
            {
                throw new Qwen3OnnxException(
                    $"{weights.Description}: tensor '{name}' has shape {info.ShapeText} but config.json implies [{string.Join(", ", shape)}]");
            }
        }
    }
}
