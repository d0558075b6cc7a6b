using Qwen3Onnx.Runtime;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.GenAi.Tests;

/// <summary>Every export folder, untouched, runs in ONNX Runtime GenAI 0.20 and decodes what transformers (or, quantized, our runtime) decodes.</summary>
[TestClass]
public sealed class GenAiGreedyTests
{
    private const int NewTokens = 16;

    public static IEnumerable<object[]> FloatExports =>
        GenAiExports.Fixtures.SelectMany(f => GenAiExports.FloatFlavours.Select(flavour => new object[] { f, flavour }));

    public static IEnumerable<object[]> QuantizedExports =>
        GenAiExports.Fixtures.SelectMany(f => GenAiExports.QuantizedFlavours.Select(flavour => new object[] { f, flavour }));

    public static IEnumerable<object[]> BatchExports =>
        SharedFixtures.ModelNames.SelectMany(f => new[] { "portable-fp32", "fused-fp32", "int4" }.Select(flavour => new object[] { f, flavour }));

    [TestMethod]
    [DynamicData(nameof(FloatExports))]
    public void GreedyIdsOfAFloatExportEqualTransformers(string fixture, string flavour)
    {
        string folder = GenAiExports.Folder(fixture, flavour);
        var stops = GenAiGreedy.StopIds(folder);

        foreach (var testCase in FixtureGoldens.LoadFrom(GenAiExports.Source(fixture)).Cases)
        {
            int steps = testCase.GreedyNewIds.Length;
            var ids = GenAiGreedy.Generate(folder, [testCase.PromptIds], steps)[0];

            CollectionAssert.AreEqual(GenAiGreedy.UpToStop(testCase.GreedyNewIds, stops), ids, $"{flavour}, prompt of {testCase.PromptIds.Length} tokens");
        }
    }

    [TestMethod]
    [DynamicData(nameof(QuantizedExports))]
    public void GreedyIdsOfAQuantizedExportEqualOurRuntimeOnTheSameFile(string fixture, string flavour)
    {
        string folder = GenAiExports.Folder(fixture, flavour);
        using var ours = Qwen3Model.Load(folder);
        var stops = GenAiGreedy.StopIds(folder);

        foreach (var testCase in FixtureGoldens.LoadFrom(GenAiExports.Source(fixture)).Cases)
        {
            var expected = GenAiGreedy.UpToStop(ours.Generate(testCase.PromptIds, Greedy(NewTokens)).Ids, stops);
            var ids = GenAiGreedy.Generate(folder, [testCase.PromptIds], NewTokens)[0];

            CollectionAssert.AreEqual(expected, ids, $"{flavour}, prompt of {testCase.PromptIds.Length} tokens");
        }
    }

    /// <summary>GenAI pads a batch itself (on the right, masked); each row must still decode as transformers' left-padded batch and as ours.</summary>
    [TestMethod]
    [DynamicData(nameof(BatchExports))]
    public void ABatchOfPromptsOfDifferentLengthsDecodesAsTransformersAndOurBatch(string fixture, string flavour)
    {
        var goldens = FixtureGoldens.Load(fixture);
        string folder = GenAiExports.Folder(fixture, flavour);
        int steps = goldens.BatchGreedyNewIds[0].Length;
        using var ours = Qwen3Model.Load(folder);

        var ids = GenAiGreedy.Generate(folder, [.. goldens.BatchPrompts], steps);
        var expected = ours.GenerateBatch([.. goldens.BatchPrompts], Greedy(steps));
        var stops = GenAiGreedy.StopIds(folder);

        for (int row = 0; row < ids.Length; row++)
        {
            CollectionAssert.AreEqual(GenAiGreedy.UpToStop(expected[row].Ids, stops), ids[row], $"{flavour}, row {row} against ours");
            if (flavour != "int4")
            {
                CollectionAssert.AreEqual(GenAiGreedy.UpToStop(goldens.BatchGreedyNewIds[row], stops), ids[row], $"{flavour}, row {row} against transformers");
            }
        }
    }

    private static GenerationOptions Greedy(int steps) => new() { MaxNewTokens = steps, Sampling = new SamplingOptions { Greedy = true } };
}
