using System.Text.Encodings.Web;
using System.Text.Json;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Demo;

/// <summary>
/// Writes a small but complete HF-format Qwen3-style tokenizer (tokenizer.json + tokenizer_config.json): byte-level
/// BPE over the 256 byte symbols plus merges learned from embedded English text, Qwen3's 26 added tokens right
/// after the base vocabulary, and Qwen3's chat template. For demo models with random weights; deterministic.
/// </summary>
public static class DemoTokenizerFiles
{
    public const int VocabularySize = 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly (string Content, bool Special)[] AddedTokenContents =
    [
        ("<|endoftext|>", true), ("<|im_start|>", true), ("<|im_end|>", true), ("<|object_ref_start|>", true),
        ("<|object_ref_end|>", true), ("<|box_start|>", true), ("<|box_end|>", true), ("<|quad_start|>", true),
        ("<|quad_end|>", true), ("<|vision_start|>", true), ("<|vision_end|>", true), ("<|vision_pad|>", true),
        ("<|image_pad|>", true), ("<|video_pad|>", true), ("<tool_call>", false), ("</tool_call>", false),
        ("<|fim_prefix|>", false), ("<|fim_middle|>", false), ("<|fim_suffix|>", false), ("<|fim_pad|>", false),
        ("<|repo_name|>", false), ("<|file_sep|>", false), ("<tool_response>", false), ("</tool_response>", false),
        ("<think>", false), ("</think>", false),
    ];

    /// <summary>Size of the BPE vocabulary before the added tokens (the id of <c>&lt;|endoftext|&gt;</c>).</summary>
    public static int BaseVocabularySize => VocabularySize - AddedTokenContents.Length;

    public static void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var merges = BpeTrainer.Learn(DemoCorpus.Text, BaseVocabularySize - 256);
        var added = AddedTokenContents.Select((token, index) => new AddedToken(token.Content, BaseVocabularySize + index, token.Special)).ToArray();
        WriteJson(Path.Combine(folder, Qwen3Tokenizer.TokenizerFileName), writer => WriteTokenizer(writer, merges, added));
        WriteJson(Path.Combine(folder, Qwen3Tokenizer.ConfigFileName), writer => WriteConfig(writer, added));
    }

    private static void WriteJson(string path, Action<Utf8JsonWriter> write)
    {
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, WriterOptions);
        write(writer);
    }

    private static void WriteTokenizer(Utf8JsonWriter writer, List<(string Left, string Right)> merges, AddedToken[] added)
    {
        writer.WriteStartObject();
        writer.WriteString("version", "1.0");
        writer.WriteNull("truncation");
        writer.WriteNull("padding");
        writer.WriteStartArray("added_tokens");
        foreach (var token in added)
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", token.Id);
            WriteAddedTokenFields(writer, token);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("normalizer");
        writer.WriteString("type", "NFC");
        writer.WriteEndObject();
        WritePreTokenizer(writer);
        WriteByteLevel(writer, "post_processor");
        WriteByteLevel(writer, "decoder");
        WriteModel(writer, merges);
        writer.WriteEndObject();
    }

    private static void WriteAddedTokenFields(Utf8JsonWriter writer, AddedToken token)
    {
        writer.WriteString("content", token.Content);
        writer.WriteBoolean("single_word", false);
        writer.WriteBoolean("lstrip", false);
        writer.WriteBoolean("rstrip", false);
        writer.WriteBoolean("normalized", false);
        writer.WriteBoolean("special", token.Special);
    }

    private static void WritePreTokenizer(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("pre_tokenizer");
        writer.WriteString("type", "Sequence");
        writer.WriteStartArray("pretokenizers");
        writer.WriteStartObject();
        writer.WriteString("type", "Split");
        writer.WriteStartObject("pattern");
        writer.WriteString("Regex", Qwen2SplitPattern.Regex);
        writer.WriteEndObject();
        writer.WriteString("behavior", "Isolated");
        writer.WriteBoolean("invert", false);
        writer.WriteEndObject();
        WriteByteLevel(writer, name: null);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteByteLevel(Utf8JsonWriter writer, string? name)
    {
        if (name is null)
        {
            writer.WriteStartObject();
        }
        else
        {
            writer.WriteStartObject(name);
        }

        writer.WriteString("type", "ByteLevel");
        writer.WriteBoolean("add_prefix_space", false);
        writer.WriteBoolean("trim_offsets", false);
        writer.WriteBoolean("use_regex", false);
        writer.WriteEndObject();
    }

    private static void WriteModel(Utf8JsonWriter writer, List<(string Left, string Right)> merges)
    {
        writer.WriteStartObject("model");
        writer.WriteString("type", "BPE");
        writer.WriteNull("dropout");
        writer.WriteNull("unk_token");
        writer.WriteString("continuing_subword_prefix", "");
        writer.WriteString("end_of_word_suffix", "");
        writer.WriteBoolean("fuse_unk", false);
        writer.WriteBoolean("byte_fallback", false);
        writer.WriteBoolean("ignore_merges", false);
        writer.WriteStartObject("vocab");
        foreach (var (token, id) in Vocabulary(merges))
        {
            writer.WriteNumber(token, id);
        }

        writer.WriteEndObject();
        writer.WriteStartArray("merges");
        foreach (var (left, right) in merges)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(left);
            writer.WriteStringValue(right);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Bytes first (id = byte value), then each new merged token in merge order.</summary>
    private static IEnumerable<(string Token, int Id)> Vocabulary(List<(string Left, string Right)> merges)
    {
        var tokens = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.ByteToChar((byte)b).ToString())
            .Concat(merges.Select(merge => merge.Left + merge.Right))
            .Distinct(StringComparer.Ordinal);
        return tokens.Select((token, id) => (token, id));
    }

    private static void WriteConfig(Utf8JsonWriter writer, AddedToken[] added)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("add_bos_token", false);
        writer.WriteBoolean("add_prefix_space", false);
        writer.WriteStartObject("added_tokens_decoder");
        foreach (var token in added)
        {
            writer.WriteStartObject(token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            WriteAddedTokenFields(writer, token);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartArray("additional_special_tokens");
        foreach (var token in added.Where(token => token.Special && token.Content != "<|endoftext|>"))
        {
            writer.WriteStringValue(token.Content);
        }

        writer.WriteEndArray();
        writer.WriteNull("bos_token");
        writer.WriteString("chat_template", ChatTemplate.Jinja);
        writer.WriteBoolean("clean_up_tokenization_spaces", false);
        writer.WriteString("eos_token", "<|im_end|>");
        writer.WriteString("errors", "replace");
        writer.WriteNumber("model_max_length", 32768);
        writer.WriteString("pad_token", "<|endoftext|>");
        writer.WriteBoolean("split_special_tokens", false);
        writer.WriteString("tokenizer_class", "Qwen2Tokenizer");
        writer.WriteNull("unk_token");
        writer.WriteEndObject();
    }
}
