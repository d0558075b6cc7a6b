namespace Qwen3Onnx.Models.Config;

/// <summary>The published Qwen3 shapes, by the size names users type (<c>--model 4B</c>).</summary>
public static class Qwen3Presets
{
    private static readonly Qwen3Config Base = new()
    {
        VocabSize = 151936,
        HeadDim = 128,
        RopeTheta = 1_000_000,
        RmsNormEps = 1e-6,
        MaxPositionEmbeddings = 40960,
        BosTokenId = 151643,
        EosTokenIds = [151645],
        TorchDtype = "bfloat16",
    };

    private static readonly Dictionary<string, Qwen3Config> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["0.6B"] = Dense(hidden: 1024, inter: 3072, layers: 28, heads: 16, kv: 8, tied: true),
        ["1.7B"] = Dense(hidden: 2048, inter: 6144, layers: 28, heads: 16, kv: 8, tied: true),
        ["4B"] = Dense(hidden: 2560, inter: 9728, layers: 36, heads: 32, kv: 8, tied: true),
        ["8B"] = Dense(hidden: 4096, inter: 12288, layers: 36, heads: 32, kv: 8, tied: false),
        ["14B"] = Dense(hidden: 5120, inter: 17408, layers: 40, heads: 40, kv: 8, tied: false),
        ["32B"] = Dense(hidden: 5120, inter: 25600, layers: 64, heads: 64, kv: 8, tied: false),
        ["30B-A3B"] = Moe(hidden: 2048, inter: 6144, layers: 48, heads: 32, kv: 4, experts: 128, topK: 8, expertInter: 768),
        ["235B-A22B"] = Moe(hidden: 4096, inter: 12288, layers: 94, heads: 64, kv: 4, experts: 128, topK: 8, expertInter: 1536),
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static bool TryGet(string name, out Qwen3Config config) => ByName.TryGetValue(name, out config!);

    public static Qwen3Config Get(string name) =>
        TryGet(name, out var config)
            ? config
            : throw new Qwen3OnnxException($"unknown model preset '{name}' (known: {string.Join(", ", Names)})");

    private static Qwen3Config Dense(int hidden, int inter, int layers, int heads, int kv, bool tied) => Base with
    {
        ModelType = Qwen3Config.DenseModelType,
        HiddenSize = hidden,
        IntermediateSize = inter,
        NumHiddenLayers = layers,
        NumAttentionHeads = heads,
        NumKeyValueHeads = kv,
        TieWordEmbeddings = tied,
    };

    private static Qwen3Config Moe(int hidden, int inter, int layers, int heads, int kv, int experts, int topK, int expertInter) =>
        Dense(hidden, inter, layers, heads, kv, tied: false) with
        {
            ModelType = Qwen3Config.MoeModelType,
            NumExperts = experts,
            NumExpertsPerTok = topK,
            MoeIntermediateSize = expertInter,
            NormTopkProb = true,
            DecoderSparseStep = 1,
        };
}
