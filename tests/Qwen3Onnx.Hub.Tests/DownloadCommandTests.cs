using Qwen3Onnx.Hub.Tests.FakeHub;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Hub.Tests;

[TestClass]
public sealed class DownloadCommandTests
{
    [TestMethod]
    public async Task DownloadPrintsTheSnapshotFolderAndExitsZero()
    {
        using var temp = new TempFolder();
        var repo = new FakeRepo("Qwen/Qwen3-4B", SharedFixtures.Model("tiny-qwen3"));
        await using var server = await FakeHubServer.StartAsync(repo);

        var (exitCode, stdout, stderr) = await CliProcess.RunAsync(Environment(server, temp), "download", "--model", "4B");

        Assert.AreEqual(0, exitCode, stderr);
        string snapshot = Path.Combine(temp.Sub("hf"), "hub", "models--Qwen--Qwen3-4B", "snapshots", repo.Commit);
        Assert.AreEqual(snapshot, stdout.Trim());
        Assert.IsTrue(File.Exists(Path.Combine(snapshot, "model.safetensors")));
    }

    [TestMethod]
    [DataRow("8B", "is gated")]
    [DataRow("nobody/nothing", "repository nobody/nothing not found")]
    [DataRow("5B", "unknown model '5B'")]
    public async Task FailuresPrintOneErrorLineAndExitNonZero(string model, string expected)
    {
        using var temp = new TempFolder();
        await using var server = await FakeHubServer.StartAsync(new FakeRepo("Qwen/Qwen3-8B", SharedFixtures.Model("tiny-qwen3"), gated: true));

        var (exitCode, stdout, stderr) = await CliProcess.RunAsync(Environment(server, temp), "download", "--model", model);

        AssertOneErrorLine(exitCode, stdout, stderr, expected);
    }

    [TestMethod]
    public async Task AnUnwritableCachePrintsOneErrorLineAndExitsNonZero()
    {
        using var temp = new TempFolder();
        await File.WriteAllTextAsync(temp.Sub("file"), "");
        await using var server = await FakeHubServer.StartAsync(new FakeRepo("Qwen/Qwen3-4B", SharedFixtures.Model("tiny-qwen3")));
        var environment = new Dictionary<string, string>(Environment(server, temp)) { ["HF_HUB_CACHE"] = Path.Combine(temp.Sub("file"), "hub") };

        var (exitCode, stdout, stderr) = await CliProcess.RunAsync(environment, "download", "--model", "4B");

        AssertOneErrorLine(exitCode, stdout, stderr, "cannot write to the hub cache");
    }

    [TestMethod]
    public async Task OfflineWithAnEmptyCacheFailsWithoutARequest()
    {
        using var temp = new TempFolder();
        await using var server = await FakeHubServer.StartAsync(new FakeRepo("Qwen/Qwen3-4B", SharedFixtures.Model("tiny-qwen3")));
        var environment = new Dictionary<string, string>(Environment(server, temp)) { ["HF_HUB_OFFLINE"] = "1" };

        var (exitCode, stdout, stderr) = await CliProcess.RunAsync(environment, "download", "--model", "4B");

        AssertOneErrorLine(exitCode, stdout, stderr, "HF_HUB_OFFLINE");
        Assert.IsEmpty(server.Requests);
    }

    private static Dictionary<string, string> Environment(FakeHubServer server, TempFolder temp) => new()
    {
        ["HF_ENDPOINT"] = server.Endpoint.ToString(),
        ["HF_HOME"] = temp.Sub("hf"),
    };

    private static void AssertOneErrorLine(int exitCode, string stdout, string stderr, string expected)
    {
        Assert.AreNotEqual(0, exitCode);
        Assert.AreEqual("", stdout);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, stderr);
        StringAssert.StartsWith(lines[0], "error: ");
        StringAssert.Contains(lines[0], expected);
    }
}
