using System.Text.Json;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Reference;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests;

/// <summary>
/// A YaRN checkpoint (factor 4, original context 64) with logits from HF transformers 5.17 over a 160-token prompt,
/// so positions well past the original context exercise the interpolated frequencies and the attention scaling.
/// </summary>
[TestClass]
public sealed class YarnFixtureTests
{
    private static readonly string Folder = RepoFixtures.Model("tiny-qwen3-yarn");

    [TestMethod]
    public void ExportedYarnGraphReproducesTransformersLogitsAndGreedyIds()
    {
        var (prompt, logits, greedy) = Expected();
        string output = ExportedFixtures.TempFolder("yarn");
        Qwen3Exporter.Export(new ExportOptions { SourceFolder = Folder, OutputFolder = output });
        using var runner = new OrtGraphRunner(output);

        var actual = runner.PromptLogits(prompt);
        var generated = runner.Greedy([prompt], [prompt.Select(_ => 1L).ToArray()], greedy.Length);

        Assert.IsLessThan(1e-4f, MaxAbs(logits, actual));
        CollectionAssert.AreEqual(greedy, generated[0]);
        Directory.Delete(output, recursive: true);
    }

    [TestMethod]
    public void ReferenceYarnForwardReproducesTransformersLogits()
    {
        var (prompt, logits, _) = Expected();
        var config = Qwen3ConfigReader.ReadFile(Path.Combine(Folder, "config.json"));
        using var weights = Checkpoint.Open(Folder);
        var model = Qwen3ReferenceModel.Load(config, weights);

        var result = model.Forward([prompt], [prompt.Select(_ => 1L).ToArray()], [prompt.Select((_, i) => (long)i).ToArray()], model.CreateCache(1));

        var actual = Enumerable.Range(0, prompt.Length).Select(p => result.At(0, p).ToArray()).ToArray();
        Assert.IsTrue(config.RopeScaling.IsYarn);
        Assert.IsLessThan(1e-4f, MaxAbs(logits, actual));
    }

    private static (long[] Prompt, float[][] Logits, int[] Greedy) Expected()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json")));
        var root = document.RootElement;
        return (
            root.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
            root.GetProperty("logits").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray(),
            root.GetProperty("greedy_new_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
    }

    private static float MaxAbs(float[][] expected, float[][] actual) =>
        expected.Zip(actual, (e, a) => e.Zip(a, (x, y) => Math.Abs(x - y)).Max()).Max();
}
