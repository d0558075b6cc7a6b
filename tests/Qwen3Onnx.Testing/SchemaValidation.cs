using NJsonSchema;

namespace Qwen3Onnx.Testing;

/// <summary>An independent JSON Schema validator (NJsonSchema) for checking what constrained decoding produced.</summary>
public static class SchemaValidation
{
    /// <summary>The validator's errors for <paramref name="json"/> (empty when valid); a parse failure is an error too.</summary>
    public static IReadOnlyList<string> Errors(string json, string schema)
    {
        var compiled = JsonSchema.FromJsonAsync(schema).GetAwaiter().GetResult();
        try
        {
            return [.. compiled.Validate(json).Select(error => error.ToString())];
        }
        catch (Newtonsoft.Json.JsonException ex)
        {
            return [$"not JSON: {ex.Message}"];
        }
    }
}
