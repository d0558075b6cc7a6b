using System.Buffers;

namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>Finds added tokens in text, leftmost first and longest at a position (as HF's added vocabulary does).</summary>
internal sealed class AddedTokenMatcher
{
    private readonly SearchValues<char> _firstChars;
    private readonly Dictionary<char, string[]> _longestFirstByFirstChar;

    public AddedTokenMatcher(IEnumerable<string> tokens)
    {
        var nonEmpty = tokens.Where(token => token.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        _firstChars = SearchValues.Create(nonEmpty.Select(token => token[0]).Distinct().ToArray());
        _longestFirstByFirstChar = nonEmpty
            .GroupBy(token => token[0])
            .ToDictionary(group => group.Key, group => group.OrderByDescending(token => token.Length).ToArray());
    }

    /// <summary>The next added token at or after <paramref name="start"/>, or (-1, 0) when there is none.</summary>
    public (int Index, int Length) FindNext(ReadOnlySpan<char> text, int start)
    {
        int position = start;
        while (position < text.Length)
        {
            int found = text[position..].IndexOfAny(_firstChars);
            if (found < 0)
            {
                break;
            }

            position += found;
            foreach (string token in _longestFirstByFirstChar[text[position]])
            {
                if (text[position..].StartsWith(token, StringComparison.Ordinal))
                {
                    return (position, token.Length);
                }
            }

            position++;
        }

        return (-1, 0);
    }
}
