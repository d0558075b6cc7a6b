using System.Security.Cryptography;
using System.Text;

namespace Qwen3Onnx.Hub.Tests.FakeHub;

/// <summary>A hub repository served from a fixture folder, at one fixed commit.</summary>
internal sealed class FakeRepo
{
    public FakeRepo(string repoId, string folder, bool gated = false)
    {
        RepoId = repoId;
        Gated = gated;
        Commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(repoId)));
        Files = Directory.EnumerateFiles(folder)
            .Select(path => new FakeFile(Path.GetFileName(path), File.ReadAllBytes(path)))
            .ToDictionary(file => file.Name, StringComparer.Ordinal);
    }

    public string RepoId { get; }

    public bool Gated { get; }

    public string Commit { get; }

    public IReadOnlyDictionary<string, FakeFile> Files { get; }
}
