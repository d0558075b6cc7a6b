using System.Text.Json;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Text;

/// <summary>Parses the JSON Qwen3 writes between <c>&lt;tool_call&gt;</c> tags: <c>{"name": ..., "arguments": {...}}</c>.</summary>
public static class ToolCallText
{
    /// <summary>A fresh call id in OpenAI's form (<c>call_</c> and 24 hex digits).</summary>
    public static string NewCallId() => $"call_{Guid.NewGuid():N}"[..29];

    /// <summary>The call, or null when the text is not a well-formed call (it is then returned as content).</summary>
    public static ChatToolCall? TryParse(string json, string id)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            string arguments = root.TryGetProperty("arguments", out var args)
                ? args.ValueKind == JsonValueKind.String ? args.GetString()! : args.GetRawText()
                : "{}";
            return new ChatToolCall(name.GetString()!, arguments) { Id = id };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
