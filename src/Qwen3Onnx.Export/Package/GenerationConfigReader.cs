using System.Text.Json;
using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Package;

namespace Qwen3Onnx.Export.Package;

/// <summary>Reads <c>generation_config.json</c>, where eos_token_id may be one id or a list.</summary>
internal static class GenerationConfigReader
{
    public const string FileName = "generation_config.json";

    public static GenerationDefaults Read(string? folder)
    {
        string? path = folder is null ? null : Path.Combine(folder, FileName);
        if (path is null || !File.Exists(path))
        {
            return new GenerationDefaults();
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            return new GenerationDefaults
            {
                DoSample = Get(root, "do_sample", e => e.GetBoolean()),
                Temperature = Get(root, "temperature", e => e.GetDouble()),
                TopK = Get(root, "top_k", e => e.GetInt32()),
                TopP = Get(root, "top_p", e => e.GetDouble()),
                MinP = Get(root, "min_p", e => e.GetDouble()),
                RepetitionPenalty = Get(root, "repetition_penalty", e => e.GetDouble()),
                EosTokenIds = IdList(root, "eos_token_id"),
                PadTokenId = Get(root, "pad_token_id", e => e.GetInt32()),
                BosTokenId = Get(root, "bos_token_id", e => e.GetInt32()),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new Qwen3OnnxException($"{path}: malformed generation config ({ex.Message})", ex);
        }
    }

    private static T? Get<T>(JsonElement root, string name, Func<JsonElement, T> read)
        where T : struct =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? read(value) : null;

    private static IReadOnlyList<int>? IdList(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(e => e.GetInt32()).ToList() : [value.GetInt32()];
    }
}
