using System.Globalization;
using System.Text;

namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// The Qwen2/Qwen3 pre-tokenizer regex, evaluated over Unicode scalar values as HF's Oniguruma does:
/// <code>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</code>
/// .NET's Regex sees UTF-16 code units, so letters and digits outside the BMP (𝒜, 𝟙) would not count as
/// \p{L} / \p{N} there; each alternative below is one method, tried in the pattern's order.
/// </summary>
internal static class Qwen2SplitPattern
{
    public const string Regex = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private enum CharClass : byte
    {
        Other,
        Letter,
        Number,
        Space,
        LineBreak,
    }

    private static readonly CharClass[] AsciiClasses = BuildAsciiClasses();

    /// <summary>Appends (offset + start, length) for each piece of <paramref name="segment"/>.</summary>
    public static void AppendPieces(ReadOnlySpan<char> segment, int offset, List<(int Offset, int Length)> pieces)
    {
        int start = 0;
        while (start < segment.Length)
        {
            int length = MatchLength(segment, start);
            pieces.Add((offset + start, length));
            start += length;
        }
    }

    /// <summary>The length of the match at <paramref name="start"/>; every character matches some alternative.</summary>
    public static int MatchLength(ReadOnlySpan<char> text, int start)
    {
        int contraction = Contraction(text, start);
        if (contraction > 0)
        {
            return contraction;
        }

        (CharClass first, int width) = Classify(text, start);
        return first switch
        {
            CharClass.Letter => LetterRunEnd(text, start) - start,
            CharClass.Number => width,
            CharClass.Other => PrefixedLetters(text, start, width) ?? PunctuationRun(text, start) ?? width,
            _ => PrefixedLetters(text, start, width) ?? PunctuationRun(text, start) ?? WhitespaceRun(text, start),
        };
    }

    /// <summary><c>(?i:'s|'t|'re|'ve|'m|'ll|'d)</c>; U+017F (ſ) case-folds to s in Oniguruma.</summary>
    private static int Contraction(ReadOnlySpan<char> text, int start)
    {
        if (text[start] != '\'' || start + 1 >= text.Length)
        {
            return 0;
        }

        char next = char.ToLowerInvariant(text[start + 1]);
        char after = start + 2 < text.Length ? char.ToLowerInvariant(text[start + 2]) : '\0';
        return next switch
        {
            's' or 't' or 'm' or 'd' or '\u017F' => 2,
            'r' or 'v' when after == 'e' => 3,
            'l' when after == 'l' => 3,
            _ => 0,
        };
    }

    /// <summary><c>[^\r\n\p{L}\p{N}]?\p{L}+</c> where the optional character is present (a space or punctuation).</summary>
    private static int? PrefixedLetters(ReadOnlySpan<char> text, int start, int width)
    {
        int letters = start + width;
        if (text[start] == '\r' || text[start] == '\n' || letters >= text.Length || Classify(text, letters).Class != CharClass.Letter)
        {
            return null;
        }

        return LetterRunEnd(text, letters) - start;
    }

    /// <summary><c> ?[^\s\p{L}\p{N}]+[\r\n]*</c>.</summary>
    private static int? PunctuationRun(ReadOnlySpan<char> text, int start)
    {
        int position = text[start] == ' ' ? start + 1 : start;
        int runStart = position;
        while (position < text.Length)
        {
            (CharClass cls, int width) = Classify(text, position);
            if (cls != CharClass.Other)
            {
                break;
            }

            position += width;
        }

        if (position == runStart)
        {
            return null;
        }

        while (position < text.Length && (text[position] == '\r' || text[position] == '\n'))
        {
            position++;
        }

        return position - start;
    }

    /// <summary>
    /// <c>\s*[\r\n]+|\s+(?!\S)|\s+</c> at a whitespace character: up to the run's last line break when it has
    /// one; else the whole run at the end of the text; else all but the run's last character (left to prefix
    /// the next word) when that leaves something; else the single character.
    /// </summary>
    private static int WhitespaceRun(ReadOnlySpan<char> text, int start)
    {
        int end = start;
        int lastLineBreak = -1;
        while (end < text.Length && Classify(text, end).Class is CharClass.Space or CharClass.LineBreak)
        {
            if (text[end] == '\r' || text[end] == '\n')
            {
                lastLineBreak = end;
            }

            end++;
        }

        if (lastLineBreak >= 0)
        {
            return lastLineBreak + 1 - start;
        }

        if (end == text.Length || end - start == 1)
        {
            return end - start;
        }

        return end - 1 - start;
    }

    private static int LetterRunEnd(ReadOnlySpan<char> text, int position)
    {
        while (position < text.Length)
        {
            (CharClass cls, int width) = Classify(text, position);
            if (cls != CharClass.Letter)
            {
                break;
            }

            position += width;
        }

        return position;
    }

    private static (CharClass Class, int Width) Classify(ReadOnlySpan<char> text, int index)
    {
        char c = text[index];
        if (c < AsciiClasses.Length)
        {
            return (AsciiClasses[c], 1);
        }

        Rune.DecodeFromUtf16(text[index..], out Rune rune, out int width);
        return (ClassifyRune(rune), width);
    }

    private static CharClass ClassifyRune(Rune rune)
    {
        if (IsWhiteSpace(rune.Value))
        {
            return CharClass.Space;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharClass.Number,
            _ => CharClass.Other,
        };
    }

    /// <summary>Unicode's White_Space property, which Oniguruma's \s matches.</summary>
    private static bool IsWhiteSpace(int value) =>
        value is (>= 0x09 and <= 0x0D) or 0x20 or 0x85 or 0xA0 or 0x1680 or (>= 0x2000 and <= 0x200A)
            or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000;

    private static CharClass[] BuildAsciiClasses()
    {
        var classes = new CharClass[128];
        for (int c = 0; c < classes.Length; c++)
        {
            classes[c] = c switch
            {
                '\r' or '\n' => CharClass.LineBreak,
                _ when IsWhiteSpace(c) => CharClass.Space,
                _ when char.IsAsciiLetter((char)c) => CharClass.Letter,
                _ when char.IsAsciiDigit((char)c) => CharClass.Number,
                _ => CharClass.Other,
            };
        }

        return classes;
    }
}
