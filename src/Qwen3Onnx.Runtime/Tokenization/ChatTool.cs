using System.Text.Json;
using System.Text.Json.Nodes;

namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// A tool offered to the model: its JSON definition, rendered into the system prompt as Python's json.dumps
/// writes it (key order kept, <c>", "</c> and <c>": "</c> separators, non-ASCII unescaped).
/// </summary>
public sealed record ChatTool
{
    public ChatTool(JsonElement definition)
    {
        if (definition.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("a tool definition is a JSON object", nameof(definition));
        }

        Definition = definition.Clone();
    }

    public JsonElement Definition { get; }

    /// <summary>function.name (OpenAI shape) or name, when present.</summary>
    public string? Name =>
        Definition.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
            ? NameOf(function)
            : NameOf(Definition);

    /// <summary>function.parameters (OpenAI shape) or parameters, when present: the schema of the call's arguments.</summary>
    public JsonElement? Parameters =>
        (Definition.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object ? function : Definition)
            .TryGetProperty("parameters", out var parameters) ? parameters : null;

    /// <summary>The OpenAI shape <c>{"type": "function", "function": {"name", "description", "parameters"}}</c>.</summary>
    public static ChatTool Function(string name, string? description, JsonElement parameters)
    {
        var function = new JsonObject { ["name"] = name };
        if (description is not null)
        {
            function["description"] = description;
        }

        function["parameters"] = JsonNode.Parse(parameters.GetRawText());
        var tool = new JsonObject { ["type"] = "function", ["function"] = function };
        return new ChatTool(JsonSerializer.SerializeToElement(tool));
    }

    private static string? NameOf(JsonElement element) =>
        element.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
}
