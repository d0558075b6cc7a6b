using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Text;

/// <summary>
/// Parses what a model writes between <c>&lt;tool_call&gt;</c> tags: Qwen3's JSON <c>{"name": ..., "arguments": {...}}</c>,
/// or Qwen3-Coder's XML <c>&lt;function=NAME&gt;&lt;parameter=KEY&gt;\nVALUE\n&lt;/parameter&gt;…&lt;/function&gt;</c>, whose
/// values are text typed by the tool's parameter schema (as vLLM's Qwen3-Coder parser does: a parameter the
/// schema does not know stays a string).
/// </summary>
public static partial class ToolCallText
{
    private static readonly JsonWriterOptions ArgumentsWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A fresh call id in OpenAI's form (<c>call_</c> and 24 hex digits).</summary>
    public static string NewCallId() => $"call_{Guid.NewGuid():N}"[..29];

    /// <summary>The call, or null when the text is not a well-formed call (it is then returned as content).</summary>
    public static ChatToolCall? TryParse(string text, string id, IReadOnlyList<ChatTool>? tools = null) =>
        text.StartsWith("<function=", StringComparison.Ordinal) ? TryParseXml(text, id, tools ?? []) : TryParseJson(text, id);

    private static ChatToolCall? TryParseJson(string json, string id)
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

    private static ChatToolCall? TryParseXml(string text, string id, IReadOnlyList<ChatTool> tools)
    {
        var match = XmlCall().Match(text);
        if (!match.Success)
        {
            return null;
        }

        string name = match.Groups["name"].Value;
        var properties = ParameterSchemas(tools.FirstOrDefault(tool => tool.Name == name));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ArgumentsWriter))
        {
            writer.WriteStartObject();
            var keys = match.Groups["key"].Captures;
            var values = match.Groups["value"].Captures;
            for (int index = 0; index < keys.Count; index++)
            {
                writer.WritePropertyName(keys[index].Value);
                WriteValue(writer, TrimOneNewline(values[index].Value), TypesOf(properties, keys[index].Value));
            }

            writer.WriteEndObject();
        }

        return new ChatToolCall(name, System.Text.Encoding.UTF8.GetString(buffer.ToArray())) { Id = id };
    }

    /// <summary>
    /// The value as its schema types read it: text for a string parameter (or one the schema does not know), else JSON
    /// of one of its types (any JSON when it names none) or Python's True/False for a boolean; text that is neither
    /// stays a string.
    /// </summary>
    private static void WriteValue(Utf8JsonWriter writer, string value, string[]? types)
    {
        if (types is null || types.Any(type => type is "string" or "str" or "text" or "char" or "varchar" or "enum"))
        {
            writer.WriteStringValue(value);
            return;
        }

        string trimmed = value.Trim();
        if (types.Any(type => type is "boolean" or "bool") && bool.TryParse(trimmed, out bool flag))
        {
            writer.WriteBooleanValue(flag);
            return;
        }

        if (ParseJson(trimmed) is { } json && (types.Length == 0 || types.Any(type => Fits(type, json))))
        {
            json.WriteTo(writer);
            return;
        }

        writer.WriteStringValue(value);
    }

    private static bool Fits(string type, JsonElement json) => type switch
    {
        "integer" or "int" => json.ValueKind == JsonValueKind.Number && json.GetRawText().AsSpan().IndexOfAny(".eE") < 0,
        "number" or "float" or "double" => json.ValueKind == JsonValueKind.Number,
        "boolean" or "bool" => json.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => json.ValueKind == JsonValueKind.Null,
        "object" or "dict" => json.ValueKind == JsonValueKind.Object,
        "array" or "list" => json.ValueKind == JsonValueKind.Array,
        _ => false,
    };

    private static JsonElement? ParseJson(string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The template puts the value on its own lines; one newline each side belongs to the markup.</summary>
    private static string TrimOneNewline(string value)
    {
        value = value.StartsWith('\n') ? value[1..] : value;
        return value.EndsWith('\n') ? value[..^1] : value;
    }

    private static JsonElement? ParameterSchemas(ChatTool? tool)
    {
        return tool?.Parameters is { ValueKind: JsonValueKind.Object } parameters && parameters.TryGetProperty("properties", out var properties)
            && properties.ValueKind == JsonValueKind.Object ? properties : null;
    }

    /// <summary>The parameter's schema types (none for a known parameter without one), or null for a parameter the schema does not know.</summary>
    private static string[]? TypesOf(JsonElement? properties, string key)
    {
        if (properties is not { } schemas || !schemas.TryGetProperty(key, out var schema))
        {
            return null;
        }

        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type))
        {
            return [];
        }

        return type.ValueKind switch
        {
            JsonValueKind.String => [type.GetString()!.ToLowerInvariant()],
            JsonValueKind.Array => [.. type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!.ToLowerInvariant())],
            _ => [],
        };
    }

    [GeneratedRegex(@"\A<function=(?<name>[^>\n]+)>\s*(?:<parameter=(?<key>[^>\n]+)>(?<value>.*?)</parameter>\s*)*</function>\s*\z", RegexOptions.Singleline)]
    private static partial Regex XmlCall();
}
