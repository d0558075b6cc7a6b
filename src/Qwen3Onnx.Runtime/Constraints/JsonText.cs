using System.Text.Encodings.Web;
using System.Text.Json;

namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>Compact JSON as a model writes it: non-ASCII characters raw, only what JSON requires escaped.</summary>
internal static class JsonText
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Quote(string value) => JsonSerializer.Serialize(value, Relaxed);

    public static string Compact(JsonElement value) => JsonSerializer.Serialize(value, Relaxed);
}
