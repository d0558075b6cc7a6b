using Qwen3Onnx.Runtime.Session;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>
/// The prefill inputs of rows of different prompt lengths, left-padded so that every row's newest token sits in the
/// last column: the attention mask is 0 over the padding, and positions count each row's own tokens from 0
/// (cumulative sum of the mask − 1, as HF computes them).
/// </summary>
internal sealed class LeftPaddedBatch
{
    public LeftPaddedBatch(IReadOnlyList<IReadOnlyList<int>> prompts, int padTokenId)
    {
        if (prompts.Count == 0 || prompts.Any(p => p.Count == 0))
        {
            throw new ArgumentException("every row needs at least one prompt token", nameof(prompts));
        }

        Width = prompts.Max(p => p.Count);
        var ids = new long[prompts.Count * Width];
        var mask = new long[prompts.Count * Width];
        var positions = new long[prompts.Count * Width];
        for (int row = 0; row < prompts.Count; row++)
        {
            int padding = Width - prompts[row].Count;
            for (int col = 0; col < Width; col++)
            {
                bool real = col >= padding;
                int at = (row * Width) + col;
                ids[at] = real ? prompts[row][col - padding] : padTokenId;
                mask[at] = real ? 1 : 0;
                positions[at] = real ? col - padding : 0;
            }
        }

        Prefill = new ForwardBatch(ids, mask, positions, prompts.Count);
    }

    /// <summary>Columns: the longest prompt's length.</summary>
    public int Width { get; }

    public ForwardBatch Prefill { get; }

    /// <summary>
    /// Padded positions are masked, so any id inside the embedding works; the manifest's pad id may lie outside a
    /// small test vocabulary (it defaults to an end-of-sequence id of the full Qwen3 vocabulary).
    /// </summary>
    public static int PaddingIdFor(Qwen3Session session) =>
        session.Manifest.PadTokenId is int pad && (uint)pad < (uint)session.VocabSize ? pad : 0;
}
