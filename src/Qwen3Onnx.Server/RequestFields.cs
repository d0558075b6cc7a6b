using System.Text.Json;

namespace Qwen3Onnx.Server;

/// <summary>Typed reads of request fields; a wrong type or range is a 400 naming the field.</summary>
internal static class RequestFields
{
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            // A repeated key has no agreed meaning (first wins? last?), so it is refused instead of guessed at.
            document = JsonDocument.Parse(body, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new ApiException(400, $"request body is not valid JSON ({ex.Message.ReplaceLineEndings(" ")})", code: "invalid_json");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new ApiException(400, "request body should be a JSON object", code: "invalid_json");
        }

        return document;
    }

    public static JsonElement? Field(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static string? String(JsonElement root, string name) => Field(root, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw ApiException.BadField(name, $"'{name}' should be a string"),
    };

    public static bool? Bool(JsonElement root, string name) => Field(root, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw ApiException.BadField(name, $"'{name}' should be true or false"),
    };

    public static double? Number(JsonElement root, string name, double min, double max)
    {
        if (Field(root, name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || number < min || number > max)
        {
            throw ApiException.BadField(name, $"'{name}' should be a number in [{min}, {max}]");
        }

        return number;
    }

    public static long? Integer(JsonElement root, string name, long min, long max)
    {
        if (Field(root, name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number) || number < min || number > max)
        {
            throw ApiException.BadField(name, $"'{name}' should be an integer in [{min}, {max}]");
        }

        return number;
    }

    /// <summary>OpenAI's <c>stop</c>: a string or a list of up to four strings.</summary>
    public static string[] Stops(JsonElement root)
    {
        switch (Field(root, "stop"))
        {
            case null:
                return [];
            case { ValueKind: JsonValueKind.String } single:
                return [single.GetString()!];
            case { ValueKind: JsonValueKind.Array } list when list.GetArrayLength() <= 4 && list.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String):
                return [.. list.EnumerateArray().Select(s => s.GetString()!)];
            default:
                throw ApiException.BadField("stop", "'stop' should be a string or a list of up to 4 strings");
        }
    }
}
