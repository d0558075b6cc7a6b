using System.Text.RegularExpressions;

namespace Qwen3Onnx.Hub;

/// <summary>
/// One repository's folder in the hub cache, laid out as the Python client lays it out:
/// <c>models--{org}--{name}/blobs/{etag}</c> (content), <c>snapshots/{commit}/{file}</c> (relative symlinks to
/// <c>../../blobs/{etag}</c>), <c>refs/{revision}</c> (the commit a branch pointed at) and
/// <c>.no_exist/{commit}/{file}</c> (empty markers for files the hub answered 404 for).
/// </summary>
internal sealed partial class RepoCache
{
    public RepoCache(string cacheRoot, string repoId)
    {
        RepoId = repoId;
        Folder = Path.Combine(cacheRoot, FolderName(repoId));
    }

    public string RepoId { get; }

    public string Folder { get; }

    public static string FolderName(string repoId) => "models--" + repoId.Replace("/", "--", StringComparison.Ordinal);

    public static bool IsCommitHash(string revision) => CommitHashPattern().IsMatch(revision);

    public string BlobPath(string etag) => Path.Combine(Folder, "blobs", etag);

    public string IncompletePath(string etag) => BlobPath(etag) + ".incomplete";

    public string SnapshotFolder(string commit) => Path.Combine(Folder, "snapshots", commit);

    public string SnapshotFile(string commit, string file) => Path.Combine(SnapshotFolder(commit), Local(file));

    /// <summary>The commit a revision resolves to from the cache alone: a commit hash is itself, a branch or tag reads refs/.</summary>
    public string? TryReadCommit(string revision)
    {
        if (IsCommitHash(revision))
        {
            return revision;
        }

        string refPath = RefPath(revision);
        return File.Exists(refPath) ? File.ReadAllText(refPath).Trim() : null;
    }

    public bool IsKnownMissing(string commit, string file) => File.Exists(NoExistPath(commit, file));

    public void WriteRef(string revision, string commit)
    {
        if (revision == commit)
        {
            return;
        }

        string refPath = RefPath(revision);
        CacheWrite.Run(refPath, () =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(refPath)!);
            File.WriteAllText(refPath, commit);
        });
    }

    public void MarkMissing(string commit, string file)
    {
        string marker = NoExistPath(commit, file);
        CacheWrite.Run(marker, () =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
            File.WriteAllBytes(marker, []);
        });
    }

    /// <summary>Points <c>snapshots/{commit}/{file}</c> at its blob with a relative symlink, or copies where links are not allowed.</summary>
    public void Link(string commit, string file, string etag)
    {
        string pointer = SnapshotFile(commit, file);
        string blob = BlobPath(etag);
        CacheWrite.Run(pointer, () =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(pointer)!);
            File.Delete(pointer);
            try
            {
                File.CreateSymbolicLink(pointer, Path.GetRelativePath(Path.GetDirectoryName(pointer)!, blob));
            }
            catch (Exception ex) when (OperatingSystem.IsWindows() && ex is IOException or UnauthorizedAccessException)
            {
                // Windows without developer mode refuses symlinks; the Python client then copies too.
                File.Copy(blob, pointer);
            }
        });
    }

    private string RefPath(string revision) => Path.Combine(Folder, "refs", Local(revision));

    private string NoExistPath(string commit, string file) => Path.Combine(Folder, ".no_exist", commit, Local(file));

    private static string Local(string hubPath) => hubPath.Replace('/', Path.DirectorySeparatorChar);

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitHashPattern();
}
