using System.Text.Json;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Hub;

/// <summary>The files of a checkpoint the exporter reads, and the shards a safetensors index names.</summary>
internal static class CheckpointFiles
{
    public const string Config = "config.json";
    public const string Index = "model.safetensors.index.json";
    public const string SingleWeights = "model.safetensors";

    /// <summary>Fetched when the repository has them; a 404 is remembered in <c>.no_exist</c>, as the Python client does.</summary>
    public static IReadOnlyList<string> Optional { get; } = ["generation_config.json", "tokenizer.json", "tokenizer_config.json"];

    /// <summary>The distinct shard files of <c>weight_map</c>, in order.</summary>
    public static IReadOnlyList<string> ShardsNamedBy(string indexPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!document.RootElement.TryGetProperty("weight_map", out var weightMap) || weightMap.ValueKind != JsonValueKind.Object)
            {
                throw new Qwen3OnnxException($"{Index} at {indexPath} has no weight_map object");
            }

            var shards = weightMap.EnumerateObject().Select(entry => entry.Value.GetString() ?? "").Distinct().Order(StringComparer.Ordinal).ToList();
            string? bad = shards.FirstOrDefault(shard => !IsPlainRelativePath(shard));
            return bad is null ? shards : throw new Qwen3OnnxException($"{Index} at {indexPath} names an invalid shard file '{bad}'");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new Qwen3OnnxException($"{Index} at {indexPath} is not valid JSON: {ex.Message}", ex);
        }
    }

    private static bool IsPlainRelativePath(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Contains('\\') && path.Split('/').All(part => part is not ("" or "." or ".."));
}
