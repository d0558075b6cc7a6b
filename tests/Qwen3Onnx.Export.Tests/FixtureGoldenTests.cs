namespace Qwen3Onnx.Export.Tests;

[TestClass]
public sealed class FixtureGoldenTests
{
    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void FullPromptLogitsMatchTransformersWithinOneTenThousandth(string model)
    {
        var expected = ExpectedFixture.Load(model);
        using var runner = new OrtGraphRunner(ExportedFixtures.Folder(model));

        foreach (var testCase in expected.Cases)
        {
            var logits = runner.PromptLogits(testCase.PromptIds);
            Assert.AreEqual(testCase.Logits.Length, logits.Length);
            Assert.AreEqual(0, MaxAbsDifference(testCase.Logits, logits), 1e-4, $"prompt of {testCase.PromptIds.Length} tokens");
        }
    }

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void GreedyDecodingThroughTheKvCacheMatchesTransformers(string model)
    {
        var expected = ExpectedFixture.Load(model);
        using var runner = new OrtGraphRunner(ExportedFixtures.Folder(model));

        foreach (var testCase in expected.Cases)
        {
            var generated = runner.Greedy([testCase.PromptIds], [testCase.PromptIds.Select(_ => 1L).ToArray()], testCase.GreedyNewIds.Length);
            CollectionAssert.AreEqual(testCase.GreedyNewIds, generated[0], $"prompt of {testCase.PromptIds.Length} tokens");
        }
    }

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void DecodeStepLogitsThroughTheKvCacheMatchTransformersWithinOneTenThousandth(string model)
    {
        var testCase = ExpectedFixture.Load(model).Cases[1];
        using var runner = new OrtGraphRunner(ExportedFixtures.Folder(model));

        var (_, stepLogits) = runner.GreedyWithLogits([testCase.PromptIds], [testCase.PromptIds.Select(_ => 1L).ToArray()], testCase.GreedyNewIds.Length);

        Assert.AreEqual(0, MaxAbsDifference(testCase.GreedyStepLogits, stepLogits[0]), 1e-4);
    }

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void LeftPaddedBatchDecodesLikeTransformers(string model)
    {
        var batch = ExpectedFixture.Load(model).Batched;
        using var runner = new OrtGraphRunner(ExportedFixtures.Folder(model));

        var generated = runner.Greedy(batch.InputIds, batch.AttentionMask, batch.GreedyNewIds[0].Length);

        for (int row = 0; row < batch.GreedyNewIds.Length; row++)
        {
            CollectionAssert.AreEqual(batch.GreedyNewIds[row], generated[row], $"row {row}");
        }
    }

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-moe")]
    public void Fp16GraphStaysWithinTwoHundredthsOfFp32Logits(string model)
    {
        var prompt = ExpectedFixture.Load(model).Cases[^1].PromptIds;
        using var fp32 = new OrtGraphRunner(ExportedFixtures.Folder(model, ExportDType.Fp32));
        using var fp16 = new OrtGraphRunner(ExportedFixtures.Folder(model, ExportDType.Fp16));

        Assert.AreEqual(0, MaxAbsDifference(fp32.PromptLogits(prompt), fp16.PromptLogits(prompt)), 2e-2);
    }

    private static double MaxAbsDifference(float[][] expected, float[][] actual) =>
        expected.Zip(actual).Max(pair => pair.First.Zip(pair.Second).Max(x => Math.Abs(x.First - x.Second)));
}
