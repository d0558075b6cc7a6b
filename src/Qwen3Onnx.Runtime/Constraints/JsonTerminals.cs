namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// The JSON terminals' byte-level rules (strings with escapes and UTF-8 validated, numbers as JSON writes them)
/// and the outcome of feeding a terminal one symbol: refused, still inside it, or finished by it.
/// </summary>
internal static class JsonTerminals
{
    public const int Reject = -1;
    public const int Stay = 0;
    public const int Done = 1;

    /// <summary>
    /// Whether these bytes can all sit inside a JSON string after plain content, with no quote or backslash: such
    /// a token is allowed wherever an unbounded string's content is (one shared bit set instead of a walk).
    /// </summary>
    public static bool IsPlainStringContent(ReadOnlySpan<byte> bytes)
    {
        var unbounded = new GrammarNode { Kind = GrammarNodeKind.String };
        int pc = StringContent;
        int count = 0;
        foreach (byte value in bytes)
        {
            if (value is (byte)'"' or (byte)'\\' || ConsumeString(unbounded, ref pc, ref count, value) == Reject)
            {
                return false;
            }
        }

        return true;
    }

    public static int Advance(ref int count)
    {
        count++;
        return Stay;
    }

    // String positions: before the opening quote, in content, after a backslash, inside \uXXXX, inside a UTF-8 character.
    private const int StringOpen = 0;
    public const int StringContent = 1;
    private const int StringEscape = 2;
    private const int StringHex = 3;           // 3 … 6: expecting the 1st … 4th hex digit
    private const int StringUtf8 = 6;          // 7 … 13: inside a UTF-8 character, StringUtf8 + its Utf8Text state

    /// <summary>String lengths this machine counts to (both bounds are checked at compile time).</summary>
    public const int MaxStringLength = 0xFFFF;

    /// <summary>
    /// count holds the characters so far (code points, low 16 bits, saturating) and, for a bounded string, how many
    /// of them need two UTF-16 units (above). minLength is checked on code points (JSON Schema's measure) and
    /// maxLength on UTF-16 units (what .NET and JavaScript validators measure), so the string passes either way.
    /// </summary>
    public static int ConsumeString(GrammarNode node, ref int pc, ref int count, int symbol)
    {
        switch (pc)
        {
            case StringOpen:
                return symbol == '"' ? Move(ref pc, StringContent) : Reject;
            case StringContent:
                if (symbol == '"')
                {
                    return (count & MaxStringLength) >= node.Min ? Done : Reject;
                }

                bool supplementary = symbol is >= 0xF0 and < GrammarMachine.AddedTokenBase;
                bool bounded = node.Max != int.MaxValue;
                if (symbol >= GrammarMachine.AddedTokenBase || symbol < 0x20 || symbol is >= 0x80 and < 0xC2 or > 0xF4
                    || (bounded && (count & MaxStringLength) + (count >> 16) + (supplementary ? 2 : 1) > node.Max))
                {
                    return Reject;
                }

                count = Math.Min(count & MaxStringLength, MaxStringLength - 1) + 1 + ((count >> 16) + (bounded && supplementary ? 1 : 0) << 16);
                int lead = 0;
                return symbol == '\\' ? Move(ref pc, StringEscape)
                    : Utf8Text.Consume(ref lead, symbol) ? Move(ref pc, lead == 0 ? StringContent : StringUtf8 + lead)
                    : Reject;
            case StringEscape:
                return symbol is '"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't' ? Move(ref pc, StringContent)
                    : symbol == 'u' ? Move(ref pc, StringHex)
                    : Reject;
            case >= StringHex and < StringHex + 4:
                return !char.IsAsciiHexDigit((char)symbol) || symbol >= 0x80 ? Reject : Move(ref pc, pc == StringHex + 3 ? StringContent : pc + 1);
            case > StringUtf8 and <= StringUtf8 + Utf8Text.LastState:
                int state = pc - StringUtf8;
                return Utf8Text.Consume(ref state, symbol) ? Move(ref pc, state == 0 ? StringContent : StringUtf8 + state) : Reject;
            default:
                return Reject;
        }
    }

    public static bool NumberCanEnd(int pc) => pc is NumberZero or NumberInteger or NumberFraction or NumberExponent;

    // Number positions (JSON's grammar): start, after '-', after a leading 0, in the integer part, after '.',
    // in the fraction, after 'e', after the exponent's sign, in the exponent.
    private const int NumberStart = 0;
    private const int NumberMinus = 1;
    private const int NumberZero = 2;
    private const int NumberInteger = 3;
    private const int NumberDot = 4;
    private const int NumberFraction = 5;
    private const int NumberE = 6;
    private const int NumberExponentSign = 7;
    private const int NumberExponent = 8;

    /// <summary>Digits per part; past a double's precision more digits are a model stalling.</summary>
    public const int MaxDigits = 18;

    /// <summary>count is the number of digits in the current part.</summary>
    public static int ConsumeNumber(bool integer, ref int pc, ref int count, int symbol)
    {
        bool digit = symbol is >= '0' and <= '9';
        switch (pc)
        {
            case NumberStart:
                return symbol == '-' ? Move(ref pc, NumberMinus) : digit ? FirstDigit(ref pc, ref count, symbol) : Reject;
            case NumberMinus:
                return digit ? FirstDigit(ref pc, ref count, symbol) : Reject;
            case NumberZero:
            case NumberInteger:
                if (digit)
                {
                    return pc == NumberInteger && count < MaxDigits ? Digit(ref count) : Reject;
                }

                return integer ? Reject : symbol == '.' ? Part(ref pc, ref count, NumberDot) : symbol is 'e' or 'E' ? Part(ref pc, ref count, NumberE) : Reject;
            case NumberDot:
                return digit ? Part(ref pc, ref count, NumberFraction, digits: 1) : Reject;
            case NumberFraction:
                return digit ? (count < MaxDigits ? Digit(ref count) : Reject) : symbol is 'e' or 'E' ? Part(ref pc, ref count, NumberE) : Reject;
            case NumberE:
                return symbol is '+' or '-' ? Move(ref pc, NumberExponentSign) : digit ? Part(ref pc, ref count, NumberExponent, digits: 1) : Reject;
            case NumberExponentSign:
                return digit ? Part(ref pc, ref count, NumberExponent, digits: 1) : Reject;
            case NumberExponent:
                return digit && count < 4 ? Digit(ref count) : Reject;
            default:
                return Reject;
        }
    }

    private static int FirstDigit(ref int pc, ref int count, int symbol)
    {
        count = 1;
        return Move(ref pc, symbol == '0' ? NumberZero : NumberInteger);
    }

    private static int Digit(ref int count)
    {
        count++;
        return Stay;
    }

    private static int Part(ref int pc, ref int count, int next, int digits = 0)
    {
        count = digits;
        return Move(ref pc, next);
    }

    private static int Move(ref int pc, int next)
    {
        pc = next;
        return Stay;
    }
}
