using System.Text.Json;
using Qwen3Onnx.Hub.Tests.FakeHub;
using Qwen3Onnx.Runtime.Session;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Hub.Tests;

/// <summary><c>qwen3-onnx export --model 4B</c> downloads into an empty cache, exports, and the graph reproduces HF's logits.</summary>
[TestClass]
public sealed class ExportFromHubTests
{
    [TestMethod]
    public async Task ExportByNameDownloadsThenTheGraphReproducesTransformersLogits()
    {
        using var temp = new TempFolder();
        string fixture = SharedFixtures.Model("tiny-qwen3-untied-sharded");
        var repo = new FakeRepo("Qwen/Qwen3-4B", fixture);
        await using var server = await FakeHubServer.StartAsync(repo);
        string output = temp.Sub("export");
        var environment = new Dictionary<string, string> { ["HF_ENDPOINT"] = server.Endpoint.ToString(), ["HF_HOME"] = temp.Sub("hf") };

        var (exitCode, _, stderr) = await CliProcess.RunAsync(environment, "export", "--model", "4B", "--out", output);

        Assert.AreEqual(0, exitCode, stderr);
        Assert.IsTrue(Directory.Exists(Path.Combine(temp.Sub("hf"), "hub", "models--Qwen--Qwen3-4B", "snapshots", repo.Commit)));
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture, "expected.json")));
        var firstCase = expected.RootElement.GetProperty("cases")[1];
        long[] prompt = firstCase.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        float[] wantLast = firstCase.GetProperty("logits").EnumerateArray().Last().EnumerateArray().Select(e => e.GetSingle()).ToArray();
        using var session = Qwen3Session.Open(output);
        using var cache = session.CreateCache(1);
        using var logits = session.Forward(
            new ForwardBatch(prompt, prompt.Select(_ => 1L).ToArray(), Enumerable.Range(0, prompt.Length).Select(i => (long)i).ToArray(), 1),
            cache);

        float maxError = wantLast.Select((w, v) => Math.Abs(w - logits.LastLogits(0)[v])).Max();
        Assert.IsLessThan(1e-4f, maxError);
    }

    [TestMethod]
    public async Task SecondExportByNameMakesNoRequest()
    {
        using var temp = new TempFolder();
        var repo = new FakeRepo("Qwen/Qwen3-4B", SharedFixtures.Model("tiny-qwen3"));
        await using var server = await FakeHubServer.StartAsync(repo);
        var environment = new Dictionary<string, string> { ["HF_ENDPOINT"] = server.Endpoint.ToString(), ["HF_HOME"] = temp.Sub("hf") };
        var first = await CliProcess.RunAsync(environment, "export", "--model", "4B", "--out", Path.Combine(temp.Path, "a"));
        Assert.AreEqual(0, first.ExitCode, first.StdErr);
        server.ClearCounters();

        var second = await CliProcess.RunAsync(environment, "export", "--model", "4B", "--out", Path.Combine(temp.Path, "b"));

        Assert.AreEqual(0, second.ExitCode, second.StdErr);
        Assert.IsEmpty(server.Requests);
    }
}
