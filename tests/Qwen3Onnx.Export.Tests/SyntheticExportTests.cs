using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests;

[TestClass]
public sealed class SyntheticExportTests
{
    [TestMethod]
    public void SyntheticWeightsExportIsDeterministicPerSeed()
    {
        byte[] first = ExportSynthetic(seed: 7);
        byte[] again = ExportSynthetic(seed: 7);
        byte[] other = ExportSynthetic(seed: 8);

        CollectionAssert.AreEqual(first, again);
        CollectionAssert.AreNotEqual(first, other);
    }

    [TestMethod]
    public void SyntheticMoeExportRunsAndDecodes()
    {
        string output = ExportedFixtures.TempFolder("synthetic-moe");
        Qwen3Exporter.Export(new ExportOptions { SourceFolder = SharedFixtures.Model("tiny-qwen3-moe"), SyntheticSeed = 3, OutputFolder = output });
        using var runner = new OrtGraphRunner(output);

        var logits = runner.PromptLogits([1, 2, 3]);
        var generated = runner.Greedy([[1, 2, 3]], [[1, 1, 1]], 4);

        Assert.IsTrue(logits.SelectMany(r => r).All(float.IsFinite));
        Assert.HasCount(4, generated[0]);
        Assert.AreEqual(Array.IndexOf(logits[^1], logits[^1].Max()), generated[0][0], "first greedy token is the prompt's last-position argmax");
    }

    private static byte[] ExportSynthetic(ulong seed)
    {
        string output = ExportedFixtures.TempFolder($"synthetic-{seed}");
        Qwen3Exporter.Export(new ExportOptions { SourceFolder = SharedFixtures.Model("tiny-qwen3"), SyntheticSeed = seed, OutputFolder = output });
        return File.ReadAllBytes(Path.Combine(output, Qwen3Exporter.ModelFileName));
    }
}
