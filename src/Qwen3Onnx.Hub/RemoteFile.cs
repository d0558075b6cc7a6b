namespace Qwen3Onnx.Hub;

/// <summary>What a HEAD on <c>/{repo}/resolve/{revision}/{file}</c> tells about one file.</summary>
/// <param name="Path">The file's path inside the repository.</param>
/// <param name="Commit">The commit the revision resolved to (X-Repo-Commit).</param>
/// <param name="Etag">The blob name: sha256 for LFS files (X-Linked-Etag), git blob sha1 for small ones (ETag).</param>
/// <param name="Size">The file's size in bytes (X-Linked-Size, else Content-Length).</param>
/// <param name="DownloadUri">Where the bytes are: the CDN address of a redirect, else the resolve address.</param>
/// <param name="IsLfs">Whether the hub stores it in LFS, so that its etag is the sha256 of its content.</param>
internal sealed record RemoteFile(string Path, string Commit, string Etag, long Size, Uri DownloadUri, bool IsLfs);
