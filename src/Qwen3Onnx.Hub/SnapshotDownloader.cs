using Qwen3Onnx.Models;

namespace Qwen3Onnx.Hub;

/// <summary>
/// Downloads a checkpoint's files into the cache: HEAD config.json to pin the commit, then the weights (the index and
/// every shard it names, or model.safetensors) and the optional files at that commit, the missing blobs in parallel.
/// Snapshot links and refs are written only after every blob is in place, so a failed run leaves no partial snapshot.
/// </summary>
internal sealed class SnapshotDownloader(HubOptions options, HubHttpClient http, RetryPolicy retry, BlobDownloader blobs)
{
    public async Task<string> DownloadAsync(
        RepoCache cache, string revision, IProgress<HubDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var config = await RequireAsync(new HubRequest(cache.RepoId, revision, CheckpointFiles.Config), cancellationToken).ConfigureAwait(false);
        string commit = config.Commit;
        var weights = await WeightFilesAsync(cache, commit, progress, cancellationToken).ConfigureAwait(false);
        var optional = await MetadataOfAllAsync(cache, commit, CheckpointFiles.Optional, cancellationToken).ConfigureAwait(false);
        RemoteFile[] files = [config, .. weights, .. optional.OfType<RemoteFile>()];
        await FetchMissingBlobsAsync(cache, files, progress, cancellationToken).ConfigureAwait(false);

        foreach (var file in files)
        {
            cache.Link(commit, file.Path, file.Etag);
        }

        foreach (string absent in CheckpointFiles.Optional.Where((_, i) => optional[i] is null))
        {
            cache.MarkMissing(commit, absent);
        }

        cache.WriteRef(revision, commit);
        return cache.SnapshotFolder(commit);
    }

    private async Task<IReadOnlyList<RemoteFile>> WeightFilesAsync(
        RepoCache cache, string commit, IProgress<HubDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var index = await MetadataAsync(new HubRequest(cache.RepoId, commit, CheckpointFiles.Index), cancellationToken).ConfigureAwait(false);
        if (index is null)
        {
            var single = new HubRequest(cache.RepoId, commit, CheckpointFiles.SingleWeights);
            return [await RequireAsync(single, cancellationToken).ConfigureAwait(false)];
        }

        await FetchMissingBlobsAsync(cache, [index], progress, cancellationToken).ConfigureAwait(false);
        var shardNames = CheckpointFiles.ShardsNamedBy(cache.BlobPath(index.Etag));
        var shards = await MetadataOfAllAsync(cache, commit, shardNames, cancellationToken).ConfigureAwait(false);
        int missing = Array.IndexOf(shards, null);
        if (missing >= 0)
        {
            throw NotFound(new HubRequest(cache.RepoId, commit, shardNames[missing]));
        }

        return [index, .. shards!];
    }

    /// <summary>HEADs several files, at most <see cref="HubOptions.Parallelism"/> at a time; null where the hub has no such file.</summary>
    private async Task<RemoteFile?[]> MetadataOfAllAsync(
        RepoCache cache, string commit, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var results = new RemoteFile?[files.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForAsync(0, files.Count, parallel, async (i, token) =>
            results[i] = await MetadataAsync(new HubRequest(cache.RepoId, commit, files[i]), token).ConfigureAwait(false))
            .ConfigureAwait(false);
        return results;
    }

    private async Task FetchMissingBlobsAsync(
        RepoCache cache, IReadOnlyList<RemoteFile> files, IProgress<HubDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var missing = files.DistinctBy(file => file.Etag).Where(file => !File.Exists(cache.BlobPath(file.Etag))).ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(missing, parallel, async (file, token) =>
            await blobs.DownloadAsync(cache, file, progress, token).ConfigureAwait(false))
            .ConfigureAwait(false);
    }

    private async Task<RemoteFile> RequireAsync(HubRequest request, CancellationToken cancellationToken) =>
        await MetadataAsync(request, cancellationToken).ConfigureAwait(false) ?? throw NotFound(request);

    private Task<RemoteFile?> MetadataAsync(HubRequest request, CancellationToken cancellationToken) =>
        retry.RunAsync($"HEAD of {request.File} in {request.RepoId}", () => http.GetMetadataAsync(request, cancellationToken), cancellationToken);

    private static Qwen3OnnxException NotFound(HubRequest request) =>
        new($"{request.File} not found in {request.RepoId} at revision '{request.Revision}' (HTTP 404)");
}
