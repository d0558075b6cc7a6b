using Qwen3Onnx.Export.Quantization;

namespace Qwen3Onnx.Export.Tests.Fused;

[TestClass]
public sealed class QuantizedGraphTests
{
    /// <summary>
    /// The quantized graph computes the model of its dequantized weights, up to MatMulNBits' int8 activation rounding
    /// (accuracy_level 4). In the int4 MoE fixture that rounding flips one token's expert choice in the 6-token prompt
    /// (cosine 0.98 there; ≥ 0.999 with accuracy_level 0, probed), so that case gets a looser bound.
    /// </summary>
    [TestMethod]
    [DataRow("tiny-qwen3", 4, 0.999)]
    [DataRow("tiny-qwen3-untied-sharded", 4, 0.999)]
    [DataRow("tiny-qwen3-moe", 4, 0.97)]
    [DataRow("tiny-qwen3-moe", 8, 0.999)]
    public void QuantizedLogitsMatchAFloatGraphOfTheDequantizedWeights(string model, int bits, double minCosine)
    {
        var format = new BlockQuantizationFormat(bits, ExportOptions.DefaultBlockSize);
        string dequantized = ExportedFixtures.TempFolder($"{model}-dequantized-int{bits}-export");
        Qwen3Exporter.Export(new ExportOptions { SourceFolder = DequantizedCheckpoint.Create(model, format), OutputFolder = dequantized, Graph = ExportGraph.Fused });
        using var reference = new OrtGraphRunner(dequantized);
        using var quantized = new OrtGraphRunner(FusedExports.Folder(model, bits == 4 ? ExportDType.Int4 : ExportDType.Int8));

        foreach (var testCase in ExpectedFixture.Load(model).Cases)
        {
            var expected = reference.PromptLogits(testCase.PromptIds);
            Assert.IsGreaterThanOrEqualTo(minCosine, Logits.MinCosine(expected, quantized.PromptLogits(testCase.PromptIds)), $"prompt of {testCase.PromptIds.Length} tokens");
        }
    }

    /// <summary>
    /// Int8 stays within cosine 0.99 of transformers' float32 logits. Int4 round-to-nearest on these random-weight
    /// fixtures does not (cosine 0.90–0.97, block size 16 or 32): that is quantization noise, pinned separately above
    /// against the dequantized weights.
    /// </summary>
    [TestMethod]
    [DataRow("tiny-qwen3", ExportDType.Int8)]
    [DataRow("tiny-qwen3-untied-sharded", ExportDType.Int8)]
    [DataRow("tiny-qwen3-moe", ExportDType.Int8)]
    public void Int8LogitsKeepACosineOfAtLeastPoint99WithTransformersAtEveryPosition(string model, ExportDType dtype)
    {
        var expected = ExpectedFixture.Load(model);
        using var runner = new OrtGraphRunner(FusedExports.Folder(model, dtype));

        foreach (var testCase in expected.Cases)
        {
            var logits = runner.PromptLogits(testCase.PromptIds);
            Assert.IsGreaterThanOrEqualTo(0.99, Logits.MinCosine(testCase.Logits, logits), $"prompt of {testCase.PromptIds.Length} tokens");
        }
    }

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-moe")]
    public void Int4GraphDecodesThroughTheKvCacheLikeItsOwnFullPrompt(string model)
    {
        var prompt = ExpectedFixture.Load(model).Cases[^1].PromptIds;
        using var runner = new OrtGraphRunner(FusedExports.Folder(model, ExportDType.Int4));

        var (ids, stepLogits) = runner.GreedyWithLogits([prompt], [prompt.Select(_ => 1L).ToArray()], 3);
        var extended = prompt.Concat(ids[0].Take(2).Select(id => (long)id)).ToArray();
        var full = runner.PromptLogits(extended);

        // Step i's logits come from position prompt.Length − 1 + i of the longer prompt run without a cache.
        var fromFull = Enumerable.Range(0, 3).Select(i => full[prompt.Length - 1 + i]).ToArray();
        Assert.IsGreaterThanOrEqualTo(0.999, Logits.MinCosine(fromFull, stepLogits[0]));
    }
}
