using System.Buffers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Hub;

/// <summary>
/// Fetches one file into <c>blobs/{etag}.incomplete</c>, resuming from whatever an earlier attempt or run left there
/// (HTTP Range), checks its size and, for LFS files, its sha256 against the etag, and only then renames it to
/// <c>blobs/{etag}</c>. A file that fails the check is deleted.
/// </summary>
internal sealed partial class BlobDownloader(HubHttpClient http, RetryPolicy retry)
{
    private const int ChunkSize = 1 << 20;

    public async Task DownloadAsync(RepoCache cache, RemoteFile file, IProgress<HubDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        string incomplete = cache.IncompletePath(file.Etag);
        string? digest;
        long length;
        await using (var target = OpenIncomplete(incomplete))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await HashExistingPrefixAsync(target, hash, cancellationToken).ConfigureAwait(false);
            var transfer = new Transfer(cache.RepoId, file, target, incomplete, hash, progress);
            await retry.RunAsync(
                $"download of {file.Path} from {cache.RepoId}", () => TransferRestAsync(transfer, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            await CacheWrite.RunAsync(incomplete, () => target.FlushAsync(cancellationToken)).ConfigureAwait(false);
            length = target.Length;
            digest = Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        Verify(cache, file, incomplete, length, digest);
        string blob = cache.BlobPath(file.Etag);
        CacheWrite.Run(blob, () => File.Move(incomplete, blob, overwrite: true));
    }

    private static FileStream OpenIncomplete(string path) =>
        CacheWrite.Run(path, () =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true);
        });

    private static async Task HashExistingPrefixAsync(FileStream target, IncrementalHash hash, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            target.Position = 0;
            int read;
            while ((read = await target.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One attempt: asks for the bytes after what is on disk and appends them until the body ends.</summary>
    private async Task<bool> TransferRestAsync(Transfer transfer, CancellationToken cancellationToken)
    {
        var (file, target) = (transfer.File, transfer.Target);
        if (target.Length > file.Size)
        {
            Restart(transfer);
        }

        if (target.Length == file.Size)
        {
            return true;
        }

        using var response = await http.OpenBlobAsync(transfer.RepoId, file, target.Length, cancellationToken).ConfigureAwait(false);
        if (response.StartOffset != target.Length)
        {
            Restart(transfer);
        }

        await using var body = await response.OpenBodyAsync(cancellationToken).ConfigureAwait(false);
        await CopyBodyAsync(body, transfer, cancellationToken).ConfigureAwait(false);
        if (target.Length < file.Size)
        {
            throw new TransientHubException($"connection closed after {target.Length} of {file.Size} bytes of {file.Path}");
        }

        return true;
    }

    private static async Task CopyBodyAsync(Stream body, Transfer transfer, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await ReadNetworkAsync(body, buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var chunk = buffer.AsMemory(0, read);
                await CacheWrite.RunAsync(transfer.IncompletePath, () => transfer.Target.WriteAsync(chunk, cancellationToken).AsTask())
                    .ConfigureAwait(false);
                transfer.Hash.AppendData(buffer, 0, read);
                transfer.Progress?.Report(new HubDownloadProgress(transfer.File.Path, transfer.Target.Length, transfer.File.Size));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<int> ReadNetworkAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await body.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new TransientHubException($"connection dropped: {ex.Message}", ex);
        }
    }

    private static void Restart(Transfer transfer)
    {
        CacheWrite.Run(transfer.IncompletePath, () => transfer.Target.SetLength(0));
        transfer.Hash.GetHashAndReset();
    }

    private static void Verify(RepoCache cache, RemoteFile file, string incomplete, long length, string digest)
    {
        string? problem = length != file.Size
            ? $"is {length} bytes, the hub says {file.Size}"
            : file.IsLfs && Sha256Pattern().IsMatch(file.Etag) && digest != file.Etag.ToLowerInvariant()
                ? $"has sha256 {digest}, the hub says {file.Etag}"
                : null;
        if (problem is null)
        {
            return;
        }

        File.Delete(incomplete);
        throw new Qwen3OnnxException($"downloaded {file.Path} of {cache.RepoId} {problem}; the download was discarded");
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();

    private sealed record Transfer(
        string RepoId,
        RemoteFile File,
        FileStream Target,
        string IncompletePath,
        IncrementalHash Hash,
        IProgress<HubDownloadProgress>? Progress);
}
