namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// GPT-2's reversible byte ↔ character table used by byte-level BPE: printable bytes stand for themselves,
/// the other 68 bytes are shifted to U+0100.. so that every vocabulary entry is a visible string.
/// </summary>
internal static class ByteLevelAlphabet
{
    private const int Unmapped = -1;

    private static readonly char[] ByteToCharTable = BuildByteToChar();
    private static readonly short[] CharToByteTable = BuildCharToByte(ByteToCharTable);

    public static char ByteToChar(byte value) => ByteToCharTable[value];

    /// <summary>The byte a vocabulary character stands for, or -1 when the character is outside the alphabet.</summary>
    public static int CharToByte(char symbol) => symbol < CharToByteTable.Length ? CharToByteTable[symbol] : Unmapped;

    /// <summary>
    /// The bytes a token string stands for: the alphabet's bytes when every character belongs to it, otherwise
    /// the string's own UTF-8 (what HF's ByteLevel decoder does for added tokens written in plain text).
    /// </summary>
    public static int TokenBytes(ReadOnlySpan<char> token, Span<byte> destination)
    {
        for (int i = 0; i < token.Length; i++)
        {
            int value = CharToByte(token[i]);
            if (value == Unmapped)
            {
                return System.Text.Encoding.UTF8.GetBytes(token, destination);
            }

            destination[i] = (byte)value;
        }

        return token.Length;
    }

    /// <summary>The most bytes <see cref="TokenBytes"/> writes for a token of this many characters.</summary>
    public static int MaxTokenBytes(int tokenLength) => tokenLength * 3;

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        return string.Create(bytes.Length, bytes.ToArray(), static (chars, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                chars[i] = ByteToCharTable[source[i]];
            }
        });
    }

    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        int shifted = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char)b : (char)(256 + shifted++);
        }

        return table;
    }

    private static short[] BuildCharToByte(char[] byteToChar)
    {
        var table = new short[256 + 68];
        Array.Fill(table, (short)Unmapped);
        for (int b = 0; b < byteToChar.Length; b++)
        {
            table[byteToChar[b]] = (short)b;
        }

        return table;
    }
}
