using System.Buffers;
using System.Text;
using Microsoft.ML.Tokenizers;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// Qwen3's byte-level BPE tokenizer, read from a folder's <c>tokenizer.json</c> (+ <c>tokenizer_config.json</c>),
/// encoding exactly as HF tokenizers does: NFC, added tokens matched first, the Qwen2 split pattern over Unicode
/// scalars, then BPE merges by rank (Microsoft.ML.Tokenizers). Decoding follows HF's ByteLevel decoder.
/// </summary>
public sealed class Qwen3Tokenizer
{
    public const string TokenizerFileName = "tokenizer.json";
    public const string ConfigFileName = "tokenizer_config.json";

    private readonly BpeTokenizer _bpe;
    private readonly string?[] _idToToken;
    private readonly bool[] _isSpecial;
    private readonly Dictionary<string, int> _addedTokenIds;

    private readonly string _configPath;

    private Qwen3Tokenizer(BpeTokenizer bpe, TokenizerModelData model, TokenizerConfig config, string folder, ChatTemplateChoice chatTemplate)
    {
        _configPath = Path.Combine(folder, ConfigFileName);
        TemplateChoice = chatTemplate;
        _bpe = bpe;
        AddedTokens = model.AddedTokens;
        _addedTokenIds = model.AddedTokens.ToDictionary(token => token.Content, token => token.Id, StringComparer.Ordinal);
        (_idToToken, _isSpecial) = IdTables(model);
        MaxTokenLength = _idToToken.Max(token => token?.Length ?? 0);
        string source = Path.Combine(folder, TokenizerFileName);
        ImStartId = RequiredAddedToken("<|im_start|>", source);
        ImEndId = RequiredAddedToken("<|im_end|>", source);
        ThinkStartId = RequiredAddedToken("<think>", source);
        ThinkEndId = RequiredAddedToken("</think>", source);
        ToolCallStartId = TokenToId("<tool_call>");
        ToolCallEndId = TokenToId("</tool_call>");
        EosTokenId = RequiredAddedToken(config.EosToken, Path.Combine(folder, ConfigFileName));
        EndOfTextId = TokenToId("<|endoftext|>");
        EosTokenIds = EndOfTextId is int endOfText && endOfText != EosTokenId ? [EosTokenId, endOfText] : [EosTokenId];
        PadTokenId = config.PadToken is null ? null : TokenToId(config.PadToken);
        ChatTemplateSource = config.ChatTemplate;
    }

    /// <summary>Ids 0 … VocabularySize − 1 (vocabulary and added tokens); the model's embedding may be larger.</summary>
    public int VocabularySize => _idToToken.Length;

    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>tokenizer_config.json's eos_token (<c>&lt;|im_end|&gt;</c> for Qwen3 chat models).</summary>
    public int EosTokenId { get; }

    /// <summary>The ids that end generation: eos_token, and <c>&lt;|endoftext|&gt;</c> when the vocabulary has it.</summary>
    public IReadOnlyList<int> EosTokenIds { get; }

    public int? PadTokenId { get; }

    public int? EndOfTextId { get; }

    public int ImStartId { get; }

    public int ImEndId { get; }

    public int ThinkStartId { get; }

    public int ThinkEndId { get; }

    /// <summary><c>&lt;tool_call&gt;</c>, when the vocabulary has it.</summary>
    public int? ToolCallStartId { get; }

    /// <summary><c>&lt;/tool_call&gt;</c>, when the vocabulary has it.</summary>
    public int? ToolCallEndId { get; }

    /// <summary>The Jinja chat template from tokenizer_config.json, or null when it has none.</summary>
    public string? ChatTemplateSource { get; }

    public bool HasChatTemplate => ChatTemplateSource is not null;

    public ChatTemplateChoice TemplateChoice { get; }

    /// <summary>
    /// The template conversations render with: the one chosen, else the checkpoint's when it is one this runtime
    /// renders (Qwen3's when it has none); null when the checkpoint's is another, and <see cref="RenderChat"/> refuses.
    /// </summary>
    public ChatTemplateChoice? RenderedTemplate => TemplateChoice != ChatTemplateChoice.Checkpoint ? TemplateChoice
        : ChatTemplateSource is null || ChatTemplate.IsQwen3(ChatTemplateSource) ? ChatTemplateChoice.Qwen3
        : Qwen3CoderChatTemplate.IsQwen3Coder(ChatTemplateSource) ? ChatTemplateChoice.Qwen3Coder
        : null;

    /// <summary>Whether conversations render as the checkpoint means them (see <see cref="RenderedTemplate"/>).</summary>
    public bool RendersChatTemplate => RenderedTemplate is not null;

    /// <summary>Whether the template asks for Qwen3-Coder's XML tool calls rather than Qwen3's JSON ones.</summary>
    public bool WritesXmlToolCalls => RenderedTemplate == ChatTemplateChoice.Qwen3Coder;

    internal int MaxTokenLength { get; }

    /// <summary>Loads <c>tokenizer.json</c> and (when present) <c>tokenizer_config.json</c> from <paramref name="folder"/>.</summary>
    public static Qwen3Tokenizer Load(string folder, ChatTemplateChoice chatTemplate = ChatTemplateChoice.Checkpoint)
    {
        string tokenizerPath = Path.Combine(folder, TokenizerFileName);
        if (!File.Exists(tokenizerPath))
        {
            throw new Qwen3OnnxException($"{tokenizerPath}: not found; the folder needs the HF tokenizer.json");
        }

        TokenizerModelData model = TokenizerJsonReader.Read(tokenizerPath);
        TokenizerConfig config = TokenizerConfig.Read(Path.Combine(folder, ConfigFileName));
        return new Qwen3Tokenizer(CreateBpe(model, tokenizerPath), model, config, folder, chatTemplate);
    }

    public int[] Encode(string text) => text.Length == 0 ? [] : [.. _bpe.EncodeToIds(text)];

    /// <summary>Renders the chat template for <paramref name="messages"/> and encodes the text.</summary>
    public int[] EncodeChat(IReadOnlyList<ChatMessage> messages, ChatTemplateOptions? options = null) => Encode(RenderChat(messages, options));

    /// <summary>The conversation as the chat template writes it; refused when the checkpoint's template is one this runtime does not render.</summary>
    public string RenderChat(IReadOnlyList<ChatMessage> messages, ChatTemplateOptions? options = null)
    {
        RequireRenderableChatTemplate();
        return RenderedTemplate == ChatTemplateChoice.Qwen3Coder
            ? Qwen3CoderChatTemplate.Render(messages, options)
            : ChatTemplate.Render(messages, options ?? new ChatTemplateOptions());
    }

    /// <summary>Throws the one-line refusal when <see cref="RendersChatTemplate"/> is false.</summary>
    public void RequireRenderableChatTemplate()
    {
        if (!RendersChatTemplate)
        {
            throw new Qwen3OnnxException(
                $"{_configPath}: its chat_template is neither Qwen3's hybrid-thinking template nor Qwen3-Coder's, the ones this runtime renders byte for byte " +
                "(Qwen3-2507 templates are not supported yet); choose --chat-template qwen3 or qwen3-coder (ChatTemplateChoice) to render one of those anyway");
        }
    }

    /// <summary>
    /// Text for <paramref name="ids"/>; unknown ids are dropped and broken UTF-8 becomes U+FFFD (as HF does). With
    /// <paramref name="skipSpecialTokens"/> only tokens marked special are dropped: <c>&lt;think&gt;</c> and
    /// <c>&lt;tool_call&gt;</c> are not special in Qwen3 and stay.
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        int capacity = 1;
        foreach (int id in ids)
        {
            capacity += ByteLevelAlphabet.MaxTokenBytes(IdToToken(id)?.Length ?? 0);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            int length = 0;
            foreach (int id in ids)
            {
                length += WriteTokenBytes(id, skipSpecialTokens, buffer.AsSpan(length));
            }

            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) => Decode(ids.ToArray().AsSpan(), skipSpecialTokens);

    public StreamingDetokenizer CreateStreamingDetokenizer(bool skipSpecialTokens = false) => new(this, skipSpecialTokens);

    /// <summary>The id of a vocabulary entry (byte-level form, e.g. <c>Ġhello</c>) or added token, or null.</summary>
    public int? TokenToId(string token)
    {
        if (_addedTokenIds.TryGetValue(token, out int added))
        {
            return added;
        }

        return _bpe.Vocabulary.TryGetValue(token, out int id) ? id : null;
    }

    /// <summary>The vocabulary entry (byte-level form) or added token content of <paramref name="id"/>, or null.</summary>
    public string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    /// <summary>The bytes <paramref name="id"/> stands for (a piece of UTF-8, possibly not a whole character); empty for unknown ids.</summary>
    public byte[] TokenBytes(int id)
    {
        Span<byte> buffer = stackalloc byte[ByteLevelAlphabet.MaxTokenBytes(MaxTokenLength)];
        return buffer[..WriteTokenBytes(id, skipSpecialTokens: false, buffer)].ToArray();
    }

    public bool IsSpecialToken(int id) => (uint)id < (uint)_isSpecial.Length && _isSpecial[id];

    /// <summary>Writes the bytes <paramref name="id"/> stands for; 0 for unknown (and, when skipping, special) ids.</summary>
    internal int WriteTokenBytes(int id, bool skipSpecialTokens, Span<byte> destination)
    {
        string? token = IdToToken(id);
        if (token is null || (skipSpecialTokens && _isSpecial[id]))
        {
            return 0;
        }

        return ByteLevelAlphabet.TokenBytes(token, destination);
    }

    /// <summary>id → vocabulary entry or added token content, and id → special flag.</summary>
    private static (string?[] Tokens, bool[] IsSpecial) IdTables(TokenizerModelData model)
    {
        int size = Math.Max(model.Vocabulary.Max(entry => entry.Value), model.AddedTokens.Select(token => token.Id).DefaultIfEmpty(-1).Max()) + 1;
        var tokens = new string?[size];
        var isSpecial = new bool[size];
        foreach (var (token, id) in model.Vocabulary)
        {
            tokens[id] = token;
        }

        foreach (var added in model.AddedTokens)
        {
            tokens[added.Id] = added.Content;
            isSpecial[added.Id] = added.Special;
        }

        return (tokens, isSpecial);
    }

    private int RequiredAddedToken(string content, string source) =>
        TokenToId(content) ?? throw new Qwen3OnnxException($"{source}: token '{content}' is missing; not a Qwen3 tokenizer");

    private static BpeTokenizer CreateBpe(TokenizerModelData model, string path)
    {
        var specialTokens = model.AddedTokens.ToDictionary(token => token.Content, token => token.Id, StringComparer.Ordinal);
        var options = new BpeOptions(model.Vocabulary)
        {
            Merges = model.Merges,
            SpecialTokens = specialTokens,
            ByteLevel = true,
            Normalizer = NfcNormalizer.Instance,
            PreTokenizer = new Qwen2PreTokenizer(new AddedTokenMatcher(specialTokens.Keys)),
        };
        try
        {
            return BpeTokenizer.Create(options);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw new Qwen3OnnxException($"{path}: inconsistent BPE model ({TokenizerJsonReader.OneLine(ex.Message)})", ex);
        }
    }
}
