using Qwen3Onnx.Hub.Tests.FakeHub;
using Qwen3Onnx.Models;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Hub.Tests;

[TestClass]
public sealed class ResumeAndIntegrityTests
{
    private const string RepoId = "Qwen/Qwen3-4B";
    private const string Weights = "model.safetensors";
    private const long CutAt = 100_000;

    [TestMethod]
    public async Task ADroppedConnectionIsResumedWithinTheRunAndOnlyTheRestIsSent()
    {
        using var temp = new TempFolder();
        var repo = new FakeRepo(RepoId, SharedFixtures.Model("tiny-qwen3"));
        await using var server = await FakeHubServer.StartAsync(repo);
        server.DropConnectionOnce(Weights, CutAt);
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Path));

        string snapshot = await resolver.ResolveAsync("4B");

        CollectionAssert.AreEqual(repo.Files[Weights].Content, File.ReadAllBytes(Path.Combine(snapshot, Weights)));
        Assert.AreEqual(repo.Files[Weights].Content.Length, server.BytesServed(Weights));
        var resumed = server.Requests.Where(r => r.StartsWith("GET /cdn/", StringComparison.Ordinal) && r.EndsWith($"bytes={CutAt}-", StringComparison.Ordinal));
        Assert.HasCount(1, resumed);
    }

    [TestMethod]
    public async Task ARunCutOffMidwayIsResumedByTheNextRunFromWhereItStopped()
    {
        using var temp = new TempFolder();
        var repo = new FakeRepo(RepoId, SharedFixtures.Model("tiny-qwen3"));
        await using var server = await FakeHubServer.StartAsync(repo);
        server.DropConnectionOnce(Weights, CutAt);
        var options = FakeHubOptions.For(server, temp.Path);
        using (var impatient = new HubModelResolver(options with { MaxRetries = 0 }))
        {
            await Assert.ThrowsExactlyAsync<Qwen3OnnxException>(() => impatient.ResolveAsync("4B"));
        }

        string incomplete = Path.Combine(temp.Path, "models--Qwen--Qwen3-4B", "blobs", repo.Files[Weights].Sha256 + ".incomplete");
        Assert.AreEqual(CutAt, new FileInfo(incomplete).Length);
        using var resolver = new HubModelResolver(options);
        string snapshot = await resolver.ResolveAsync("4B");

        CollectionAssert.AreEqual(repo.Files[Weights].Content, File.ReadAllBytes(Path.Combine(snapshot, Weights)));
        Assert.AreEqual(repo.Files[Weights].Content.Length, server.BytesServed(Weights));
        Assert.IsFalse(File.Exists(incomplete));
    }

    [TestMethod]
    public async Task ABlobWithTheWrongSha256IsRejectedAndNothingLandsInTheSnapshot()
    {
        using var temp = new TempFolder();
        var repo = new FakeRepo(RepoId, SharedFixtures.Model("tiny-qwen3-untied-sharded"));
        await using var server = await FakeHubServer.StartAsync(repo);
        server.Corrupt("model-00002-of-00005.safetensors");
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Path));

        var ex = await Assert.ThrowsExactlyAsync<Qwen3OnnxException>(() => resolver.ResolveAsync("4B"));

        StringAssert.Contains(ex.Message, "model-00002-of-00005.safetensors");
        StringAssert.Contains(ex.Message, "sha256");
        string repoFolder = Path.Combine(temp.Path, "models--Qwen--Qwen3-4B");
        Assert.IsFalse(Directory.Exists(Path.Combine(repoFolder, "snapshots")));
        Assert.IsFalse(Directory.Exists(Path.Combine(repoFolder, "refs")));
        string sha = repo.Files["model-00002-of-00005.safetensors"].Sha256;
        Assert.IsEmpty(Directory.GetFiles(Path.Combine(repoFolder, "blobs"), sha + "*"));
    }
}
