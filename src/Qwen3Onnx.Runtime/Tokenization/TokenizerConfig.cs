using System.Text.Json;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>The fields of <c>tokenizer_config.json</c> the runtime uses; Qwen3's values when the file is absent.</summary>
internal sealed record TokenizerConfig(string EosToken, string? PadToken, string? ChatTemplate)
{
    public static TokenizerConfig Qwen3Defaults { get; } = new("<|im_end|>", "<|endoftext|>", null);

    public static TokenizerConfig Read(string path)
    {
        if (!File.Exists(path))
        {
            return Qwen3Defaults;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new Qwen3OnnxException($"{path}: expected a JSON object");
            }

            return new TokenizerConfig(
                TokenContent(root, "eos_token", path) ?? Qwen3Defaults.EosToken,
                TokenContent(root, "pad_token", path),
                ChatTemplateOf(root, path));
        }
        catch (JsonException ex)
        {
            throw new Qwen3OnnxException($"{path}: not valid JSON ({TokenizerJsonReader.OneLine(ex.Message)})", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Qwen3OnnxException($"{path}: cannot read ({TokenizerJsonReader.OneLine(ex.Message)})", ex);
        }
    }

    /// <summary>A token field is a string, an AddedToken object <c>{"content": …}</c>, or null.</summary>
    private static string? TokenContent(JsonElement root, string field, string path)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            return content.GetString();
        }

        throw new Qwen3OnnxException($"{path}: '{field}' should be a string or {{\"content\": ...}}");
    }

    /// <summary>The template is a string, or a list of named templates of which "default" is the chat one.</summary>
    private static string? ChatTemplateOf(JsonElement root, string path)
    {
        if (!root.TryGetProperty("chat_template", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var named in value.EnumerateArray())
            {
                if (named.TryGetProperty("name", out var name) && name.GetString() == "default" && named.TryGetProperty("template", out var template))
                {
                    return template.GetString();
                }
            }

            return null;
        }

        throw new Qwen3OnnxException($"{path}: 'chat_template' should be a string");
    }
}
