using System.Text.Json;
using Qwen3Onnx.Runtime.Tokenization;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Tokenization;

/// <summary>shared/fixtures/tokenizer/expected.json (HF tokenizers + transformers on the real Qwen3 tokenizer).</summary>
internal static class TokenizerGoldens
{
    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllText(SharedFixtures.TokenizerGoldens)));

    private static readonly Lazy<Qwen3Tokenizer> RealTokenizerInstance = new(() => Qwen3Tokenizer.Load(RealTokenizer.Folder));

    public static Qwen3Tokenizer Real => RealTokenizerInstance.Value;

    public static IEnumerable<JsonElement> Encodings => Document.Value.RootElement.GetProperty("encodings").EnumerateArray();

    public static IEnumerable<JsonElement> ChatTemplates => Document.Value.RootElement.GetProperty("chat_templates").EnumerateArray();

    public static int[] Ids(JsonElement entry) => [.. entry.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32())];

    public static ChatMessage[] Messages(JsonElement entry) =>
        [.. ChatMessagesJson.ParseMessages(entry.GetProperty("messages").GetRawText(), "expected.json")];

    /// <summary>"" when equal, else where the sequences first differ (the message a failing test reports).</summary>
    public static string FirstMismatch<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual)
    {
        for (int i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            if (!EqualityComparer<T>.Default.Equals(expected[i], actual[i]))
            {
                return $"first difference at {i}: expected {expected[i]}, got {actual[i]}";
            }
        }

        return expected.Count == actual.Count ? "" : $"lengths differ: expected {expected.Count}, got {actual.Count}";
    }

    public static string Escape(string text) => JsonSerializer.Serialize(text);
}
