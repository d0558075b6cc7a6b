using Qwen3Onnx.Models;

namespace Qwen3Onnx.Hub;

/// <summary>
/// Turns a <c>--model</c> argument into a local checkpoint folder: a folder as given, or the hub cache snapshot of a
/// repository (a short Qwen3 name or <c>org/name</c>), downloading what the cache lacks unless offline. A complete
/// cached snapshot is returned without any request, so the cache is shared with, and as cheap as, the Python client's.
/// </summary>
public sealed class HubModelResolver : IDisposable
{
    public const string DefaultRevision = "main";

    private readonly HubOptions _options;
    private readonly HubHttpClient _http;
    private readonly SnapshotDownloader _downloader;

    public HubModelResolver(HubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _http = new HubHttpClient(options);
        var retry = new RetryPolicy(options.MaxRetries, options.RetryBaseDelay);
        _downloader = new SnapshotDownloader(options, _http, retry, new BlobDownloader(_http, retry));
    }

    /// <summary>The local folder holding config.json and the weights (and tokenizer files where the repository has them).</summary>
    public async Task<string> ResolveAsync(
        string model,
        string revision = DefaultRevision,
        IProgress<HubDownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var source = ModelSource.Parse(model);
        if (source.LocalFolder is { } folder)
        {
            return folder;
        }

        ValidateRevision(revision);
        var cache = new RepoCache(_options.CacheDirectory, source.RepoId!);
        string? commit = cache.TryReadCommit(revision);
        string? missing = commit is null ? $"refs/{revision}" : SnapshotInspector.FirstMissing(cache, commit);
        if (missing is null)
        {
            return cache.SnapshotFolder(commit!);
        }

        if (_options.Offline)
        {
            throw new Qwen3OnnxException(
                $"HF_HUB_OFFLINE is set and {cache.RepoId} at revision '{revision}' is not complete in the hub cache: "
                + $"{missing} is missing under {cache.Folder}");
        }

        return await _downloader.DownloadAsync(cache, revision, progress, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    private static void ValidateRevision(string revision)
    {
        if (string.IsNullOrWhiteSpace(revision) || revision.Split('/').Any(part => part is "" or "." or "..") || revision.Contains('\\'))
        {
            throw new Qwen3OnnxException($"--revision '{revision}' is not a branch, tag or commit name");
        }
    }
}
