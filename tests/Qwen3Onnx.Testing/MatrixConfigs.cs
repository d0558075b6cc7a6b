using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Reference;

namespace Qwen3Onnx.Testing;

/// <summary>
/// The configs every graph flavour is checked on: positive seeds are <see cref="RandomConfigs"/>; negative ones name
/// hand-picked MoE routings the random draw rarely reaches (16 experts top-4 without renormalisation beside dense
/// layers, top-1, every expert chosen, decoder_sparse_step 2).
/// </summary>
public static class MatrixConfigs
{
    public static IReadOnlyList<Qwen3Config> Named { get; } =
    [
        Moe(experts: 16, topK: 4, normTopK: false, mlpOnly: [1]),
        Moe(experts: 16, topK: 4, normTopK: true, mlpOnly: [1]),
        Moe(experts: 4, topK: 1, normTopK: false, sparseStep: 2),
        Moe(experts: 6, topK: 6, normTopK: false, kvHeads: 1),
        Moe(experts: 8, topK: 3, normTopK: false, mlpOnly: [0, 2], kvHeads: 4),
    ];

    /// <summary>Every seed of the matrix: the named configs (negative) and the random ones (1 … <paramref name="randomCount"/>).</summary>
    public static IEnumerable<int> Seeds(int randomCount) =>
        Enumerable.Range(-Named.Count, Named.Count).Concat(Enumerable.Range(1, randomCount));

    /// <summary>Seed n ≥ 1 is <see cref="RandomConfigs.FromSeed"/>; seed −n is the n-th named config.</summary>
    public static Qwen3Config FromSeed(int seed) => seed > 0 ? RandomConfigs.FromSeed(seed) : Named[-seed - 1];

    private static Qwen3Config Moe(int experts, int topK, bool normTopK, int[]? mlpOnly = null, int sparseStep = 1, int kvHeads = 2) => new Qwen3Config
    {
        ModelType = Qwen3Config.MoeModelType,
        VocabSize = 200,
        HiddenSize = 48,
        IntermediateSize = 40,
        NumHiddenLayers = 3,
        NumAttentionHeads = 4,
        NumKeyValueHeads = kvHeads,
        HeadDim = 16,
        RopeTheta = 1_000_000,
        MaxPositionEmbeddings = RandomConfigs.MaxPositionEmbeddings,
        NumExperts = experts,
        NumExpertsPerTok = topK,
        MoeIntermediateSize = 40,
        NormTopkProb = normTopK,
        DecoderSparseStep = sparseStep,
        MlpOnlyLayers = mlpOnly ?? [],
        BosTokenId = 1,
        EosTokenIds = [2],
        TorchDtype = "bfloat16",
    }.Validate("matrix config");
}
