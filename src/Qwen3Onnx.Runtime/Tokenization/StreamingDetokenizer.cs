using System.Text;

namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// Turns generated ids into text as they arrive. A token may end inside a UTF-8 character (CJK, emoji), so its
/// bytes go through one <see cref="Decoder"/> that holds incomplete sequences back until the next token
/// completes them; the concatenated deltas equal <see cref="Qwen3Tokenizer.Decode(ReadOnlySpan{int}, bool)"/>.
/// Not thread-safe: one per generated sequence.
/// </summary>
public sealed class StreamingDetokenizer
{
    private readonly Qwen3Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly byte[] _bytes;
    private readonly char[] _chars;

    internal StreamingDetokenizer(Qwen3Tokenizer tokenizer, bool skipSpecialTokens)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
        _bytes = new byte[ByteLevelAlphabet.MaxTokenBytes(tokenizer.MaxTokenLength)];
        // Up to 3 held-back bytes can each turn into a U+FFFD in front of the token's own characters.
        _chars = new char[_bytes.Length + 4];
    }

    /// <summary>The text that <paramref name="id"/> completes; empty while a character is still incomplete.</summary>
    public string Append(int id)
    {
        int byteCount = _tokenizer.WriteTokenBytes(id, _skipSpecialTokens, _bytes);
        if (byteCount == 0)
        {
            return string.Empty;
        }

        int charCount = _decoder.GetChars(_bytes, 0, byteCount, _chars, 0, flush: false);
        return charCount == 0 ? string.Empty : new string(_chars, 0, charCount);
    }

    /// <summary>Ends the stream: an incomplete trailing character becomes U+FFFD, as in a full decode.</summary>
    public string Flush()
    {
        int charCount = _decoder.GetChars([], 0, 0, _chars, 0, flush: true);
        return charCount == 0 ? string.Empty : new string(_chars, 0, charCount);
    }

    /// <summary>Forgets held-back bytes so the instance can serve a new sequence.</summary>
    public void Reset() => _decoder.Reset();
}
