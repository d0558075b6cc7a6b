namespace Qwen3Onnx.Export.Tests.Fused;

[TestClass]
public sealed class FusedGoldenTests
{
    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void FusedPromptLogitsMatchTransformersAndThePortableGraphWithinOneTenThousandth(string model)
    {
        var expected = ExpectedFixture.Load(model);
        using var fused = new OrtGraphRunner(FusedExports.Folder(model));
        using var portable = new OrtGraphRunner(ExportedFixtures.Folder(model));

        foreach (var testCase in expected.Cases)
        {
            var logits = fused.PromptLogits(testCase.PromptIds);
            Assert.AreEqual(testCase.Logits.Length, logits.Length);
            Assert.AreEqual(0, Logits.MaxAbsDifference(testCase.Logits, logits), 1e-4, $"vs transformers, prompt of {testCase.PromptIds.Length} tokens");
            Assert.AreEqual(0, Logits.MaxAbsDifference(portable.PromptLogits(testCase.PromptIds), logits), 1e-4, $"vs portable, prompt of {testCase.PromptIds.Length} tokens");
        }
    }

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void FusedGreedyDecodingThroughTheKvCacheMatchesTransformers(string model)
    {
        var expected = ExpectedFixture.Load(model);
        using var runner = new OrtGraphRunner(FusedExports.Folder(model));

        foreach (var testCase in expected.Cases)
        {
            var (generated, stepLogits) = runner.GreedyWithLogits([testCase.PromptIds], [testCase.PromptIds.Select(_ => 1L).ToArray()], testCase.GreedyNewIds.Length);
            CollectionAssert.AreEqual(testCase.GreedyNewIds, generated[0], $"prompt of {testCase.PromptIds.Length} tokens");
            Assert.AreEqual(0, Logits.MaxAbsDifference(testCase.GreedyStepLogits, stepLogits[0]), 1e-4, "decode-step logits");
        }
    }

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void FusedLeftPaddedBatchDecodesLikeTransformers(string model)
    {
        var batch = ExpectedFixture.Load(model).Batched;
        using var runner = new OrtGraphRunner(FusedExports.Folder(model));

        var generated = runner.Greedy(batch.InputIds, batch.AttentionMask, batch.GreedyNewIds[0].Length);

        for (int row = 0; row < batch.GreedyNewIds.Length; row++)
        {
            CollectionAssert.AreEqual(batch.GreedyNewIds[row], generated[row], $"row {row}");
        }
    }
}
