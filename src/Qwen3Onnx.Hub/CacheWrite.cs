using Qwen3Onnx.Models;

namespace Qwen3Onnx.Hub;

/// <summary>Turns file-system failures while writing the cache (read-only, full, not a folder) into one clear line.</summary>
internal static class CacheWrite
{
    public static void Run(string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure(path, ex);
        }
    }

    public static T Run<T>(string path, Func<T> write)
    {
        try
        {
            return write();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure(path, ex);
        }
    }

    public static async Task RunAsync(string path, Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure(path, ex);
        }
    }

    public static Qwen3OnnxException Failure(string path, Exception ex) =>
        new($"cannot write to the hub cache at {path}: {ex.Message}", ex);
}
