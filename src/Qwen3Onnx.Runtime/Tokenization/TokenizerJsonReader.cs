using System.Text.Json;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// Streams the parts of HF's <c>tokenizer.json</c> that a byte-level BPE needs (the file is ~11 MB for Qwen3, so
/// no DOM). Merges come as pairs (<c>["Ġ", "t"]</c>) or, in older files, as <c>"Ġ t"</c> strings.
/// </summary>
internal static class TokenizerJsonReader
{
    public static TokenizerModelData Read(string path)
    {
        byte[] bytes = ReadAllBytes(path);
        try
        {
            return Parse(bytes, path);
        }
        catch (JsonException ex)
        {
            throw new Qwen3OnnxException($"{path}: not valid JSON ({OneLine(ex.Message)})", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw new Qwen3OnnxException($"{path}: unexpected JSON value ({OneLine(ex.Message)})", ex);
        }
    }

    private static byte[] ReadAllBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Qwen3OnnxException($"{path}: cannot read the tokenizer ({OneLine(ex.Message)})", ex);
        }
    }

    private static TokenizerModelData Parse(ReadOnlySpan<byte> json, string path)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        List<KeyValuePair<string, int>>? vocabulary = null;
        List<string>? merges = null;
        List<AddedToken> addedTokens = [];
        Expect(ref reader, JsonTokenType.StartObject, path, "the top level");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("added_tokens"u8))
            {
                addedTokens = ReadAddedTokens(ref reader, path);
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                (vocabulary, merges) = ReadModel(ref reader, path);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (vocabulary is null || merges is null)
        {
            throw new Qwen3OnnxException($"{path}: missing 'model.vocab' or 'model.merges'; not a BPE tokenizer.json");
        }

        return new TokenizerModelData(vocabulary, merges, addedTokens);
    }

    private static (List<KeyValuePair<string, int>>? Vocabulary, List<string>? Merges) ReadModel(ref Utf8JsonReader reader, string path)
    {
        List<KeyValuePair<string, int>>? vocabulary = null;
        List<string>? merges = null;
        Expect(ref reader, JsonTokenType.StartObject, path, "'model'");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                string? type = reader.GetString();
                if (type != "BPE")
                {
                    throw new Qwen3OnnxException($"{path}: model.type is '{type}'; only byte-level BPE (Qwen2/Qwen3) is supported");
                }
            }
            else if (reader.ValueTextEquals("vocab"u8))
            {
                vocabulary = ReadVocabulary(ref reader, path);
            }
            else if (reader.ValueTextEquals("merges"u8))
            {
                merges = ReadMerges(ref reader, path);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (vocabulary, merges);
    }

    private static List<KeyValuePair<string, int>> ReadVocabulary(ref Utf8JsonReader reader, string path)
    {
        var vocabulary = new List<KeyValuePair<string, int>>(160_000);
        Expect(ref reader, JsonTokenType.StartObject, path, "'model.vocab'");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string token = reader.GetString()!;
            reader.Read();
            int id = reader.GetInt32();
            if (id < 0)
            {
                throw new Qwen3OnnxException($"{path}: model.vocab['{token}'] has negative id {id}");
            }

            vocabulary.Add(new KeyValuePair<string, int>(token, id));
        }

        return vocabulary;
    }

    private static List<string> ReadMerges(ref Utf8JsonReader reader, string path)
    {
        var merges = new List<string>(160_000);
        Expect(ref reader, JsonTokenType.StartArray, path, "'model.merges'");
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                merges.Add(reader.GetString()!);
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new Qwen3OnnxException($"{path}: model.merges[{merges.Count}] is neither \"a b\" nor [\"a\", \"b\"]");
            }

            reader.Read();
            string left = reader.GetString()!;
            reader.Read();
            string right = reader.GetString()!;
            Expect(ref reader, JsonTokenType.EndArray, path, $"model.merges[{merges.Count}]");
            merges.Add(string.Concat(left, " ", right));
        }

        return merges;
    }

    private static List<AddedToken> ReadAddedTokens(ref Utf8JsonReader reader, string path)
    {
        var tokens = new List<AddedToken>();
        Expect(ref reader, JsonTokenType.StartArray, path, "'added_tokens'");
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            using var entry = JsonDocument.ParseValue(ref reader);
            JsonElement root = entry.RootElement;
            if (!root.TryGetProperty("id", out var id) || !root.TryGetProperty("content", out var content))
            {
                throw new Qwen3OnnxException($"{path}: added_tokens[{tokens.Count}] needs 'id' and 'content'");
            }

            bool special = root.TryGetProperty("special", out var flag) && flag.ValueKind == JsonValueKind.True;
            int value = id.GetInt32();
            if (value < 0)
            {
                throw new Qwen3OnnxException($"{path}: added_tokens[{tokens.Count}] has negative id {value}");
            }

            tokens.Add(new AddedToken(content.GetString()!, value, special));
        }

        return tokens;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected, string path, string what)
    {
        if (!reader.Read() || reader.TokenType != expected)
        {
            throw new Qwen3OnnxException($"{path}: {what} should be a JSON {Describe(expected)}");
        }
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "list",
        JsonTokenType.EndArray => "pair (2 strings)",
        _ => type.ToString(),
    };

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
