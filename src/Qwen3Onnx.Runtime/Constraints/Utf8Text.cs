namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// The byte rule of raw text (Qwen3-Coder's parameter values): any character, as valid UTF-8 — no stray continuation
/// byte, overlong form, surrogate or code point past U+10FFFF — so what the model writes always decodes as written.
/// The state is 0 between characters, else what the next byte of the current character must be.
/// </summary>
internal static class Utf8Text
{
    private const int AfterE0 = 4;   // second byte A0–BF, then one more
    private const int AfterED = 5;   // second byte 80–9F (no surrogates), then one more
    private const int AfterF0 = 6;   // second byte 90–BF, then two more
    private const int AfterF4 = 7;   // second byte 80–8F (≤ U+10FFFF), then two more

    /// <summary>The highest state: states are 0 … LastState, so a terminal can embed them in its own.</summary>
    public const int LastState = AfterF4;

    /// <summary>Takes one byte; false when it cannot come next. States 1–3: that many continuation bytes to go.</summary>
    public static bool Consume(ref int state, int value)
    {
        (bool ok, int next) = state switch
        {
            0 => value switch
            {
                < 0x80 => (true, 0),
                < 0xC2 or > 0xF4 => (false, 0),
                < 0xE0 => (true, 1),
                0xE0 => (true, AfterE0),
                0xED => (true, AfterED),
                < 0xF0 => (true, 2),
                0xF0 => (true, AfterF0),
                0xF4 => (true, AfterF4),
                _ => (true, 3),
            },
            1 or 2 or 3 => (value is >= 0x80 and <= 0xBF, state - 1),
            AfterE0 => (value is >= 0xA0 and <= 0xBF, 1),
            AfterED => (value is >= 0x80 and <= 0x9F, 1),
            AfterF0 => (value is >= 0x90 and <= 0xBF, 2),
            AfterF4 => (value is >= 0x80 and <= 0x8F, 2),
            _ => (false, 0),
        };
        if (ok)
        {
            state = next;
        }

        return ok;
    }

    /// <summary>Whether <paramref name="bytes"/> may follow a character boundary (it may end inside a character).</summary>
    public static bool StartsValid(ReadOnlySpan<byte> bytes)
    {
        int state = 0;
        foreach (byte value in bytes)
        {
            if (!Consume(ref state, value))
            {
                return false;
            }
        }

        return true;
    }
}
