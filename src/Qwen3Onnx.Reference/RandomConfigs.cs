using Qwen3Onnx.Models.Config;

namespace Qwen3Onnx.Reference;

/// <summary>
/// Small random Qwen3 configs drawn from a seed, to test the exported graph against the reference on shapes
/// nobody thought of: grouped kv heads, head_dim ≠ hidden / heads, tied and untied heads, MoE with various
/// top-k and norm_topk_prob both ways, mixed dense/MoE layers, and YaRN rope scaling.
/// Sizes stay tiny: vocab ≤ 300, hidden ≤ 64, layers ≤ 3, max_position_embeddings 128.
/// </summary>
public static class RandomConfigs
{
    public const int MaxPositionEmbeddings = 128;

    private static readonly int[] Hiddens = [16, 24, 32, 48, 64];
    private static readonly int[] Heads = [1, 2, 3, 4, 6, 8];
    private static readonly int[] HeadDims = [4, 6, 8, 10, 12, 16, 24];

    /// <summary>Configs for seeds <paramref name="firstSeed"/> … firstSeed + count − 1.</summary>
    public static IReadOnlyList<Qwen3Config> Draw(int count, int firstSeed = 1) =>
        Enumerable.Range(firstSeed, count).Select(FromSeed).ToArray();

    /// <summary>The config for one seed; the same seed always gives the same, validated config.</summary>
    public static Qwen3Config FromSeed(int seed)
    {
        var random = new Random(seed);
        int hidden = Pick(random, Hiddens);
        int heads = Pick(random, Heads);
        int[] kvChoices = Enumerable.Range(1, heads).Where(k => heads % k == 0).ToArray();
        int[] headDims = HeadDims.Where(d => d * heads != hidden).ToArray();
        var config = new Qwen3Config
        {
            ModelType = Qwen3Config.DenseModelType,
            VocabSize = random.Next(32, 301),
            HiddenSize = hidden,
            IntermediateSize = random.Next(8, 97),
            NumHiddenLayers = random.Next(1, 4),
            NumAttentionHeads = heads,
            NumKeyValueHeads = Pick(random, kvChoices),
            HeadDim = Pick(random, headDims),
            RmsNormEps = 1e-6,
            RopeTheta = Pick(random, [10_000.0, 1_000_000.0]),
            MaxPositionEmbeddings = MaxPositionEmbeddings,
            TieWordEmbeddings = random.Next(2) == 0,
            BosTokenId = 1,
            EosTokenIds = [2],
            TorchDtype = "bfloat16",
        };
        config = random.Next(3) == 0 ? config with { RopeScaling = Yarn(random) } : config;
        config = random.Next(2) == 0 ? WithExperts(config, random) : config;
        return config.Validate($"random config (seed {seed})");
    }

    private static RopeScaling Yarn(Random random) => new()
    {
        Type = "yarn",
        Factor = Pick(random, [2.0, 2.5, 3.0, 4.0]),
        OriginalMaxPositionEmbeddings = Pick(random, [16, 32, 64]),
        Truncate = random.Next(4) != 0,
    };

    private static Qwen3Config WithExperts(Qwen3Config config, Random random)
    {
        int experts = random.Next(2, 9);
        int layers = config.NumHiddenLayers;
        return config with
        {
            ModelType = Qwen3Config.MoeModelType,
            NumExperts = experts,
            NumExpertsPerTok = random.Next(1, experts + 1),
            MoeIntermediateSize = random.Next(4, 33),
            NormTopkProb = random.Next(2) == 0,
            DecoderSparseStep = Pick(random, [1, 1, 2]),
            MlpOnlyLayers = Enumerable.Range(0, layers).Where(_ => random.Next(4) == 0).ToArray(),
        };
    }

    private static T Pick<T>(Random random, T[] choices) => choices[random.Next(choices.Length)];
}
