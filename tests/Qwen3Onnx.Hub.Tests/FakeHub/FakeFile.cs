using System.Security.Cryptography;
using System.Text;

namespace Qwen3Onnx.Hub.Tests.FakeHub;

/// <summary>
/// One file of a fake repository with the identifiers the hub gives it: LFS files (safetensors) are named by the
/// sha256 of their content, small files by their git blob sha1 (sha1 of "blob {length}\0" + content).
/// </summary>
internal sealed record FakeFile(string Name, byte[] Content)
{
    public bool IsLfs => Name.EndsWith(".safetensors", StringComparison.Ordinal);

    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(Content));

    public string GitSha1 { get; } = Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {Content.Length}\0"), .. Content]));

    /// <summary>The blob name the Python client gives this file in its cache.</summary>
    public string CacheEtag => IsLfs ? Sha256 : GitSha1;
}
