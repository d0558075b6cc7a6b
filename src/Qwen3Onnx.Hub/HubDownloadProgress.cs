namespace Qwen3Onnx.Hub;

/// <summary>How far one file's download has come; reported after every chunk written to the cache.</summary>
/// <param name="File">The file's path inside the repository, e.g. <c>model-00001-of-00002.safetensors</c>.</param>
/// <param name="BytesDownloaded">Bytes of the file now on disk, a resumed prefix included.</param>
/// <param name="TotalBytes">The file's full size as the hub reports it.</param>
public readonly record struct HubDownloadProgress(string File, long BytesDownloaded, long TotalBytes);
