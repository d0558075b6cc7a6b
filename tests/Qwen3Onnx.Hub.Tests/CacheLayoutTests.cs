using Qwen3Onnx.Hub.Tests.FakeHub;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Hub.Tests;

/// <summary>
/// The cache must be the Python hub client's: <c>models--{org}--{name}/{blobs,refs,snapshots}</c>, blobs named by the
/// unquoted etag (sha256 for LFS files, git blob sha1 for small ones), <c>refs/main</c> holding the commit, snapshot
/// entries as relative symlinks <c>../../blobs/{etag}</c>, and <c>.no_exist/{commit}/{file}</c> for files the hub lacks.
/// The expected layouts here are built from those rules, not from the code under test.
/// </summary>
[TestClass]
public sealed class CacheLayoutTests
{
    private const string RepoFolder = "models--Qwen--Qwen3-4B";
    private static readonly string[] AbsentFiles = ["tokenizer.json", "tokenizer_config.json"];

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    public async Task ACacheWrittenByOurToolHasThePythonClientsLayout(string fixture)
    {
        using var temp = new TempFolder();
        var repo = new FakeRepo("Qwen/Qwen3-4B", SharedFixtures.Model(fixture));
        await using var server = await FakeHubServer.StartAsync(repo);
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Path));

        await resolver.ResolveAsync("4B");

        CollectionAssert.AreEqual(ExpectedLayout(repo).ToList(), ActualLayout(temp.Path).ToList());
    }

    [TestMethod]
    public async Task ACacheLaidOutByThePythonRulesIsUsedWithoutARequest()
    {
        using var temp = new TempFolder();
        var repo = new FakeRepo("Qwen/Qwen3-4B", SharedFixtures.Model("tiny-qwen3-untied-sharded"));
        WritePythonStyleCache(temp.Path, repo);
        await using var server = await FakeHubServer.StartAsync(repo);
        using var resolver = new HubModelResolver(FakeHubOptions.For(server, temp.Path));

        string snapshot = await resolver.ResolveAsync("4B");

        Assert.AreEqual(Path.Combine(temp.Path, RepoFolder, "snapshots", repo.Commit), snapshot);
        Assert.IsEmpty(server.Requests);
    }

    private static IEnumerable<FakeFile> NeededFiles(FakeRepo repo) =>
        repo.Files.Values.Where(file => file.Name is not "expected.json");

    private static SortedSet<string> ExpectedLayout(FakeRepo repo)
    {
        var layout = new SortedSet<string>(StringComparer.Ordinal) { $"{RepoFolder}/refs/main = {repo.Commit}" };
        foreach (var file in NeededFiles(repo))
        {
            layout.Add($"{RepoFolder}/blobs/{file.CacheEtag} ({file.Content.Length} bytes)");
            layout.Add($"{RepoFolder}/snapshots/{repo.Commit}/{file.Name} -> ../../blobs/{file.CacheEtag}");
        }

        foreach (string absent in AbsentFiles)
        {
            layout.Add($"{RepoFolder}/.no_exist/{repo.Commit}/{absent} (0 bytes)");
        }

        return layout;
    }

    private static SortedSet<string> ActualLayout(string cacheRoot)
    {
        var layout = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in new DirectoryInfo(cacheRoot).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(cacheRoot, entry.FullName).Replace('\\', '/');
            if (entry.LinkTarget is { } target)
            {
                layout.Add($"{relative} -> {target}");
            }
            else if (entry is FileInfo file)
            {
                layout.Add(relative.Contains("/refs/", StringComparison.Ordinal)
                    ? $"{relative} = {File.ReadAllText(file.FullName)}"
                    : $"{relative} ({file.Length} bytes)");
            }
        }

        return layout;
    }

    private static void WritePythonStyleCache(string cacheRoot, FakeRepo repo)
    {
        string root = Path.Combine(cacheRoot, RepoFolder);
        string snapshot = Directory.CreateDirectory(Path.Combine(root, "snapshots", repo.Commit)).FullName;
        Directory.CreateDirectory(Path.Combine(root, "blobs"));
        Directory.CreateDirectory(Path.Combine(root, "refs"));
        Directory.CreateDirectory(Path.Combine(root, ".no_exist", repo.Commit));
        File.WriteAllText(Path.Combine(root, "refs", "main"), repo.Commit);
        foreach (var file in NeededFiles(repo))
        {
            File.WriteAllBytes(Path.Combine(root, "blobs", file.CacheEtag), file.Content);
            File.CreateSymbolicLink(Path.Combine(snapshot, file.Name), $"../../blobs/{file.CacheEtag}");
        }

        foreach (string absent in AbsentFiles)
        {
            File.WriteAllBytes(Path.Combine(root, ".no_exist", repo.Commit, absent), []);
        }
    }
}
