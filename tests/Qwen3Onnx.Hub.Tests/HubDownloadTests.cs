using Qwen3Onnx.Hub.Tests.FakeHub;
using Qwen3Onnx.Models;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Hub.Tests;

[TestClass]
public sealed class HubDownloadTests
{
    private const string RepoId = "Qwen/Qwen3-4B";

    [TestMethod]
    [DataRow("tiny-qwen3", new[] { "config.json", "generation_config.json", "model.safetensors" })]
    [DataRow("tiny-qwen3-moe", new[] { "config.json", "generation_config.json", "model.safetensors" })]
    [DataRow("tiny-qwen3-untied-sharded", new[]
    {
        "config.json", "generation_config.json", "model.safetensors.index.json", "model-00001-of-00005.safetensors",
        "model-00002-of-00005.safetensors", "model-00003-of-00005.safetensors", "model-00004-of-00005.safetensors",
        "model-00005-of-00005.safetensors",
    })]
    public async Task DownloadIntoAnEmptyCacheGivesASnapshotOfByteIdenticalFiles(string fixture, string[] expectedFiles)
    {
        using var temp = new TempFolder();
        await using var server = await FakeHubServer.StartAsync(new FakeRepo(RepoId, SharedFixtures.Model(fixture)));
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Path));

        string snapshot = await resolver.ResolveAsync("4B");

        CollectionAssert.AreEquivalent(expectedFiles, Directory.GetFiles(snapshot).Select(Path.GetFileName).ToArray());
        foreach (string file in expectedFiles)
        {
            CollectionAssert.AreEqual(
                File.ReadAllBytes(Path.Combine(SharedFixtures.Model(fixture), file)), File.ReadAllBytes(Path.Combine(snapshot, file)), file);
        }
    }

    [TestMethod]
    public async Task SecondRunWithEverythingCachedMakesNoRequest()
    {
        using var temp = new TempFolder();
        await using var server = await FakeHubServer.StartAsync(new FakeRepo(RepoId, SharedFixtures.Model("tiny-qwen3-untied-sharded")));
        var options = FakeHubOptions.For(server, temp.Path);
        string first;
        using (var resolver = new HubModelResolver(options))
        {
            first = await resolver.ResolveAsync("4B");
        }

        server.ClearCounters();
        using var again = new HubModelResolver(options);
        string second = await again.ResolveAsync("Qwen/Qwen3-4B");

        Assert.AreEqual(first, second);
        Assert.IsEmpty(server.Requests);
    }

    [TestMethod]
    public async Task OfflineResolvesACompleteCacheWithoutTheNetwork()
    {
        using var temp = new TempFolder();
        await using var server = await FakeHubServer.StartAsync(new FakeRepo(RepoId, SharedFixtures.Model("tiny-qwen3")));
        using (var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Path)))
        {
            await resolver.ResolveAsync("4B");
        }

        server.ClearCounters();
        using var offline = new HubModelResolver(FakeHubOptions.For(server, temp.Path) with { Offline = true });
        string snapshot = await offline.ResolveAsync("4B");

        Assert.IsTrue(File.Exists(Path.Combine(snapshot, "model.safetensors")));
        Assert.IsEmpty(server.Requests);
    }

    [TestMethod]
    public async Task OfflineWithAMissingFileFailsClearlyWithoutARequest()
    {
        using var temp = new TempFolder();
        await using var server = await FakeHubServer.StartAsync(new FakeRepo(RepoId, SharedFixtures.Model("tiny-qwen3-untied-sharded")));
        using (var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Path)))
        {
            string snapshot = await resolver.ResolveAsync("4B");
            File.Delete(Path.Combine(snapshot, "model-00003-of-00005.safetensors"));
        }

        server.ClearCounters();
        using var offline = new HubModelResolver(FakeHubOptions.For(server, temp.Path) with { Offline = true });
        var ex = await Assert.ThrowsExactlyAsync<Qwen3OnnxException>(() => offline.ResolveAsync("4B"));

        StringAssert.Contains(ex.Message, "HF_HUB_OFFLINE");
        StringAssert.Contains(ex.Message, "model-00003-of-00005.safetensors");
        Assert.IsEmpty(server.Requests);
    }

    [TestMethod]
    public async Task OfflineWithAnEmptyCacheNamesTheMissingRevision()
    {
        using var temp = new TempFolder();
        await using var server = await FakeHubServer.StartAsync(new FakeRepo(RepoId, SharedFixtures.Model("tiny-qwen3")));
        using var offline = new HubModelResolver(FakeHubOptions.For(server, temp.Path) with { Offline = true });

        var ex = await Assert.ThrowsExactlyAsync<Qwen3OnnxException>(() => offline.ResolveAsync("4B"));

        StringAssert.Contains(ex.Message, "refs/main");
        Assert.IsEmpty(server.Requests);
    }

    [TestMethod]
    public async Task AnIncompleteSnapshotIsCompletedOnline()
    {
        using var temp = new TempFolder();
        await using var server = await FakeHubServer.StartAsync(new FakeRepo(RepoId, SharedFixtures.Model("tiny-qwen3")));
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Path));
        string snapshot = await resolver.ResolveAsync("4B");
        File.Delete(Path.Combine(snapshot, "config.json"));

        string again = await resolver.ResolveAsync("4B");

        byte[] expected = File.ReadAllBytes(Path.Combine(SharedFixtures.Model("tiny-qwen3"), "config.json"));
        CollectionAssert.AreEqual(expected, File.ReadAllBytes(Path.Combine(again, "config.json")));
    }

    [TestMethod]
    public async Task ACommitRevisionDownloadsThatCommitAndWritesNoRef()
    {
        using var temp = new TempFolder();
        var repo = new FakeRepo(RepoId, SharedFixtures.Model("tiny-qwen3"));
        await using var server = await FakeHubServer.StartAsync(repo);
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Path));

        string snapshot = await resolver.ResolveAsync("4B", repo.Commit);

        Assert.AreEqual(repo.Commit, Path.GetFileName(snapshot));
        Assert.IsFalse(Directory.Exists(Path.Combine(temp.Path, "models--Qwen--Qwen3-4B", "refs")));
    }

    [TestMethod]
    public async Task ALocalFolderIsReturnedAsIsWithoutTouchingTheCache()
    {
        using var temp = new TempFolder();
        await using var server = await FakeHubServer.StartAsync();
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Sub("cache")));

        string folder = await resolver.ResolveAsync(SharedFixtures.Model("tiny-qwen3"));

        Assert.AreEqual(Path.GetFullPath(SharedFixtures.Model("tiny-qwen3")), folder);
        Assert.IsFalse(Directory.Exists(temp.Sub("cache")));
        Assert.IsEmpty(server.Requests);
    }
}
