using Microsoft.ML.Tokenizers;

namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// tokenizer.json's pre-tokenizer for Qwen2/Qwen3: added tokens are cut out first (each becomes one piece the
/// BPE model maps to its id), then each stretch between them is split by <see cref="Qwen2SplitPattern"/>.
/// </summary>
internal sealed class Qwen2PreTokenizer : PreTokenizer
{
    private readonly AddedTokenMatcher _addedTokens;

    public Qwen2PreTokenizer(AddedTokenMatcher addedTokens)
    {
        _addedTokens = addedTokens;
    }

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text.AsSpan());

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text);

    public List<(int Offset, int Length)> Split(ReadOnlySpan<char> text)
    {
        var pieces = new List<(int Offset, int Length)>(text.Length / 4 + 1);
        int position = 0;
        while (position < text.Length)
        {
            (int index, int length) = _addedTokens.FindNext(text, position);
            int stretchEnd = index < 0 ? text.Length : index;
            Qwen2SplitPattern.AppendPieces(text[position..stretchEnd], position, pieces);
            if (index < 0)
            {
                break;
            }

            pieces.Add((index, length));
            position = index + length;
        }

        return pieces;
    }
}
