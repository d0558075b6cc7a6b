using System.Runtime.CompilerServices;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// What a grammar mask needs to know about a tokenizer's vocabulary, computed once per tokenizer: every regular
/// token's bytes in a trie (so a walk shares work across tokens with a common prefix and drops a whole subtree at
/// the first byte the grammar refuses), the added tokens (matched as whole symbols), and the tokens that are plain
/// JSON-string content (most of the vocabulary; allowed inside an unbounded string without any walk).
/// </summary>
internal sealed class TokenVocabulary
{
    private static readonly ConditionalWeakTable<Qwen3Tokenizer, TokenVocabulary> Cache = [];

    private readonly byte[] _bytes;
    private readonly int[] _offsets;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<byte, (ulong[] Without, bool[] Subtrees)> _byteFree = new();

    private TokenVocabulary(Qwen3Tokenizer tokenizer)
    {
        Size = tokenizer.VocabularySize;
        var added = tokenizer.AddedTokens.Select(token => token.Id).ToHashSet();
        AddedIds = [.. added.Where(id => id < Size).Order()];
        var tokens = new List<(byte[] Bytes, int Id)>(Size);
        Span<byte> buffer = stackalloc byte[4096];
        for (int id = 0; id < Size; id++)
        {
            if (added.Contains(id) || tokenizer.IdToToken(id) is null)
            {
                continue;
            }

            int length = tokenizer.WriteTokenBytes(id, skipSpecialTokens: false, buffer);
            if (length > 0)
            {
                tokens.Add((buffer[..length].ToArray(), id));
            }
        }

        (_bytes, _offsets) = Flatten(tokens, Size);
        Regular = Bits(tokens.Select(t => t.Id));
        PlainString = Bits(tokens.Where(t => JsonTerminals.IsPlainStringContent(t.Bytes)).Select(t => t.Id));
        // Regular tokens with a quote or backslash: the only ones that may leave or escape inside a string.
        var breakers = tokens.Where(t => t.Bytes.AsSpan().IndexOfAny((byte)'"', (byte)'\\') >= 0).Select(t => t.Id).ToHashSet();
        MaxTokenBytes = tokens.Count == 0 ? 0 : tokens.Max(t => t.Bytes.Length);
        tokens.Sort((a, b) => a.Bytes.AsSpan().SequenceCompareTo(b.Bytes));
        Trie = new TokenTrie(tokens);
        BreakerSubtrees = Trie.SubtreesWith(breakers.Contains);
    }

    /// <summary>The tokenizer's ids 0 … Size − 1; a mask row has a bit for each.</summary>
    public int Size { get; }

    public int MaskWords => (Size + 63) / 64;

    public int[] AddedIds { get; }

    public ulong[] Regular { get; }

    public ulong[] PlainString { get; }

    /// <summary>Per trie node: whether a token with a quote or backslash is in its subtree (the walk inside a string visits only those).</summary>
    public bool[] BreakerSubtrees { get; }

    public int MaxTokenBytes { get; }

    public TokenTrie Trie { get; }

    /// <summary>
    /// The regular tokens without <paramref name="value"/> that are valid UTF-8 from a character boundary, and per trie
    /// node whether a token with that byte is in its subtree: inside raw text that only a string starting with that
    /// byte ends, between characters, the former are allowed outright and the walk visits only the latter. Computed
    /// on first use per byte.
    /// </summary>
    public (ulong[] Without, bool[] Subtrees) RawText(byte value) => _byteFree.GetOrAdd(value, static (b, self) =>
    {
        var without = new ulong[self.MaskWords];
        for (int id = 0; id < self.Size; id++)
        {
            if ((self.Regular[id >> 6] & (1UL << (id & 63))) != 0 && self.Bytes(id).IndexOf(b) < 0 && Utf8Text.StartsValid(self.Bytes(id)))
            {
                without[id >> 6] |= 1UL << (id & 63);
            }
        }

        return (without, self.Trie.SubtreesWith(id => self.Bytes(id).IndexOf(b) >= 0));
    }, this);

    public static TokenVocabulary For(Qwen3Tokenizer tokenizer) => Cache.GetValue(tokenizer, static t => new TokenVocabulary(t));

    public ReadOnlySpan<byte> Bytes(int id) => _bytes.AsSpan(_offsets[id], _offsets[id + 1] - _offsets[id]);

    private static (byte[] Bytes, int[] Offsets) Flatten(List<(byte[] Bytes, int Id)> tokens, int size)
    {
        var byId = new byte[size][];
        foreach (var (bytes, id) in tokens)
        {
            byId[id] = bytes;
        }

        var offsets = new int[size + 1];
        var all = new byte[tokens.Sum(t => t.Bytes.Length)];
        int used = 0;
        for (int id = 0; id < size; id++)
        {
            offsets[id] = used;
            if (byId[id] is { } bytes)
            {
                bytes.CopyTo(all, used);
                used += bytes.Length;
            }
        }

        offsets[size] = used;
        return (all, offsets);
    }

    private ulong[] Bits(IEnumerable<int> ids)
    {
        var bits = new ulong[MaskWords];
        foreach (int id in ids)
        {
            bits[id >> 6] |= 1UL << (id & 63);
        }

        return bits;
    }
}
