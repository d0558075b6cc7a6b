using Qwen3Onnx.Export;
using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Runtime;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.GenAi.Tests;

/// <summary>
/// The config matrix (MoE routings with and without renormalisation, dense layers between MoE ones, top-1 to
/// all experts, one KV head, odd head_dim, YaRN, tied and untied) through GenAI: a prompt and a batch of two decode as
/// in our runtime, each cut where GenAI would stop (the configs' end id 2, inside these vocabularies).
/// </summary>
[TestClass]
public sealed class GenAiMatrixTests
{
    private const int NewTokens = 10;

    public static IEnumerable<object[]> Exports =>
        MatrixConfigs.Seeds(8).SelectMany(seed => Flavours(MatrixConfigs.FromSeed(seed)).Select(flavour => new object[] { seed, flavour }));

    [TestMethod]
    [DynamicData(nameof(Exports))]
    public void APromptAndABatchDecodeUnderGenAiAsInOurRuntime(int seed, string flavour)
    {
        var config = MatrixConfigs.FromSeed(seed);
        string folder = GenAiExports.TempFolder($"matrix{seed}-{flavour}");
        var options = GenAiExports.Options(source: "", folder, flavour) with { SourceFolder = null, Config = config, SyntheticSeed = (ulong)(seed + 100) };
        Qwen3Exporter.Export(options);

        using var ours = Qwen3Model.Load(folder);
        var random = new Random(seed);
        int[] Prompt(int length) => [.. Enumerable.Range(0, length).Select(_ => random.Next(3, config.VocabSize))];
        int[][] prompts = [Prompt(9), Prompt(4)];
        var stops = GenAiGreedy.StopIds(folder);
        var greedy = new GenerationOptions { MaxNewTokens = NewTokens, Sampling = new SamplingOptions { Greedy = true } };

        var single = GenAiGreedy.Generate(folder, [prompts[0]], NewTokens)[0];
        var batch = GenAiGreedy.Generate(folder, prompts, NewTokens);

        CollectionAssert.AreEqual(GenAiGreedy.UpToStop(ours.Generate(prompts[0], greedy).Ids, stops), single, "one prompt");
        var ourBatch = ours.GenerateBatch([.. prompts], greedy);
        for (int row = 0; row < prompts.Length; row++)
        {
            CollectionAssert.AreEqual(GenAiGreedy.UpToStop(ourBatch[row].Ids, stops), batch[row], $"batch row {row}");
        }
    }

    /// <summary>
    /// The fused graphs need head_dim % 8 == 0 (GroupQueryAttention), and int4 packs the embedding and the experts
    /// along their unpadded input axis, which must fill whole bytes; the exporter refuses the rest up front
    /// (ExportGraphOptionTests).
    /// </summary>
    private static IEnumerable<string> Flavours(Qwen3Config config) =>
        config.HeadDim % 8 != 0 ? ["portable-fp32"]
        : PacksAt4Bits(config) ? ["portable-fp32", "fused-fp32", "int8", "int4"]
        : ["portable-fp32", "fused-fp32", "int8"];

    private static bool PacksAt4Bits(Qwen3Config config) =>
        config.HiddenSize % 2 == 0 && (config.NumExperts == 0 || config.MoeIntermediateSize % 2 == 0);
}
