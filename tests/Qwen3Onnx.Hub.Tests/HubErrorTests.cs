using Qwen3Onnx.Hub.Tests.FakeHub;
using Qwen3Onnx.Models;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Hub.Tests;

[TestClass]
public sealed class HubErrorTests
{
    [TestMethod]
    public async Task AGatedRepoWithoutATokenFailsWithOneLineAskingForHfToken()
    {
        using var temp = new TempFolder();
        await using var server = await FakeHubServer.StartAsync(new FakeRepo("Qwen/Qwen3-8B", SharedFixtures.Model("tiny-qwen3"), gated: true));
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Path));

        var ex = await Assert.ThrowsExactlyAsync<Qwen3OnnxException>(() => resolver.ResolveAsync("8B"));

        StringAssert.Contains(ex.Message, "Qwen/Qwen3-8B is gated");
        StringAssert.Contains(ex.Message, "HF_TOKEN");
        AssertOneLine(ex.Message);
    }

    [TestMethod]
    public async Task AGatedRepoDownloadsWithTheToken()
    {
        using var temp = new TempFolder();
        await using var server = await FakeHubServer.StartAsync(new FakeRepo("Qwen/Qwen3-8B", SharedFixtures.Model("tiny-qwen3"), gated: true));
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Path) with { Token = FakeHubServer.Token });

        string snapshot = await resolver.ResolveAsync("8B");

        Assert.IsTrue(File.Exists(Path.Combine(snapshot, "model.safetensors")));
    }

    [TestMethod]
    public async Task AnUnknownRepositoryFailsWithOneLineNamingIt()
    {
        using var temp = new TempFolder();
        await using var server = await FakeHubServer.StartAsync();
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Path));

        var ex = await Assert.ThrowsExactlyAsync<Qwen3OnnxException>(() => resolver.ResolveAsync("someone/missing-model"));

        StringAssert.Contains(ex.Message, "repository someone/missing-model not found");
        AssertOneLine(ex.Message);
    }

    [TestMethod]
    public async Task AnUnknownRevisionFailsWithOneLineNamingIt()
    {
        using var temp = new TempFolder();
        await using var server = await FakeHubServer.StartAsync(new FakeRepo("Qwen/Qwen3-4B", SharedFixtures.Model("tiny-qwen3")));
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Path));

        var ex = await Assert.ThrowsExactlyAsync<Qwen3OnnxException>(() => resolver.ResolveAsync("4B", "v9"));

        StringAssert.Contains(ex.Message, "revision 'v9' not found in Qwen/Qwen3-4B");
        AssertOneLine(ex.Message);
    }

    [TestMethod]
    public async Task ARepositoryWithoutWeightsFailsNamingTheMissingFile()
    {
        using var temp = new TempFolder();
        string onlyConfig = Directory.CreateDirectory(temp.Sub("repo")).FullName;
        File.Copy(Path.Combine(SharedFixtures.Model("tiny-qwen3"), "config.json"), Path.Combine(onlyConfig, "config.json"));
        await using var server = await FakeHubServer.StartAsync(new FakeRepo("Qwen/Qwen3-4B", onlyConfig));
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Sub("cache")));

        var ex = await Assert.ThrowsExactlyAsync<Qwen3OnnxException>(() => resolver.ResolveAsync("4B"));

        StringAssert.Contains(ex.Message, "model.safetensors not found in Qwen/Qwen3-4B");
        AssertOneLine(ex.Message);
    }

    [TestMethod]
    public async Task AnUnknownModelNameListsTheKnownNamesWithoutARequest()
    {
        using var temp = new TempFolder();
        await using var server = await FakeHubServer.StartAsync();
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Path));

        var ex = await Assert.ThrowsExactlyAsync<Qwen3OnnxException>(() => resolver.ResolveAsync("5B"));

        StringAssert.Contains(ex.Message, "unknown model '5B'");
        StringAssert.Contains(ex.Message, "0.6B, 1.7B, 4B, 8B, 14B, 32B, 30B-A3B, 235B-A22B");
        AssertOneLine(ex.Message);
        Assert.IsEmpty(server.Requests);
    }

    [TestMethod]
    public async Task AnUnwritableCacheFailsWithOneLineNamingThePath()
    {
        using var temp = new TempFolder();
        // A cache under a regular file cannot be created even by root, like a full or read-only disk.
        string blocker = temp.Sub("not-a-folder");
        await File.WriteAllTextAsync(blocker, "");
        await using var server = await FakeHubServer.StartAsync(new FakeRepo("Qwen/Qwen3-4B", SharedFixtures.Model("tiny-qwen3")));
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, Path.Combine(blocker, "hub")));

        var ex = await Assert.ThrowsExactlyAsync<Qwen3OnnxException>(() => resolver.ResolveAsync("4B"));

        StringAssert.Contains(ex.Message, "cannot write to the hub cache at " + Path.Combine(blocker, "hub"));
        AssertOneLine(ex.Message);
    }

    [TestMethod]
    public void InvalidOptionsAreRejectedOnce()
    {
        var options = new HubOptions { CacheDirectory = "/tmp/x", Parallelism = 0 };

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => new HubModelResolver(options));

        StringAssert.Contains(ex.Message, "parallelism");
    }

    private static void AssertOneLine(string message) =>
        Assert.IsFalse(message.Contains('\n', StringComparison.Ordinal), $"not one line: {message}");
}
