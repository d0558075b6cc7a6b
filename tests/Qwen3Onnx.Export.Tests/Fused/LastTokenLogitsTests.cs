using Qwen3Onnx.Models.Package;

namespace Qwen3Onnx.Export.Tests.Fused;

[TestClass]
public sealed class LastTokenLogitsTests
{
    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-moe")]
    public void LastTokenGraphReturnsOnlyTheFullGraphsLastRow(string model)
    {
        var expected = ExpectedFixture.Load(model);
        using var last = new OrtGraphRunner(FusedExports.Folder(model, lastTokenLogitsOnly: true));

        foreach (var testCase in expected.Cases)
        {
            var logits = last.PromptLogits(testCase.PromptIds);
            Assert.HasCount(1, logits);
            Assert.AreEqual(0, Logits.MaxAbsDifference([testCase.Logits[^1]], logits), 1e-4, $"prompt of {testCase.PromptIds.Length} tokens");
        }
    }

    [TestMethod]
    public void LastTokenGraphDecodesGreedilyLikeTransformersAndSaysSoInItsManifest()
    {
        var testCase = ExpectedFixture.Load("tiny-qwen3").Cases[0];
        string folder = FusedExports.Folder("tiny-qwen3", lastTokenLogitsOnly: true);
        using var runner = new OrtGraphRunner(folder);

        var generated = runner.Greedy([testCase.PromptIds], [testCase.PromptIds.Select(_ => 1L).ToArray()], testCase.GreedyNewIds.Length);

        CollectionAssert.AreEqual(testCase.GreedyNewIds, generated[0]);
        Assert.IsTrue(ExportManifest.ReadFolder(folder).LastTokenLogitsOnly);
    }
}
