using Qwen3Onnx.Runtime.Session;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>
/// Tracks a batch of rows of different prompt lengths, left-padded so that every row's newest token sits
/// in the last column: builds the prefill inputs, then each decode step's inputs, with the attention mask
/// and per-row positions (cumulative sum of the mask − 1, as HF computes them).
/// </summary>
internal sealed class LeftPaddedBatch
{
    private readonly List<long> _mask = [];
    private readonly long[] _nextPosition;

    public LeftPaddedBatch(IReadOnlyList<IReadOnlyList<int>> prompts, int padTokenId)
    {
        if (prompts.Count == 0 || prompts.Any(p => p.Count == 0))
        {
            throw new ArgumentException("every row needs at least one prompt token", nameof(prompts));
        }

        Rows = prompts.Count;
        Width = prompts.Max(p => p.Count);
        _nextPosition = new long[Rows];
        var ids = new long[Rows * Width];
        var positions = new long[Rows * Width];
        for (int row = 0; row < Rows; row++)
        {
            int padding = Width - prompts[row].Count;
            for (int col = 0; col < Width; col++)
            {
                bool real = col >= padding;
                ids[(row * Width) + col] = real ? prompts[row][col - padding] : padTokenId;
                positions[(row * Width) + col] = real ? col - padding : 0;
            }

            _nextPosition[row] = prompts[row].Count;
        }

        for (int row = 0; row < Rows; row++)
        {
            int padding = Width - prompts[row].Count;
            for (int col = 0; col < Width; col++)
            {
                _mask.Add(col >= padding ? 1 : 0);
            }
        }

        Prefill = new ForwardBatch(ids, [.. _mask], positions, Rows);
    }

    public int Rows { get; }

    /// <summary>Columns so far (padded prompt plus decoded steps).</summary>
    public int Width { get; private set; }

    public ForwardBatch Prefill { get; }

    /// <summary>
    /// Padded positions are masked, so any id inside the embedding works; the manifest's pad id may lie outside a
    /// small test vocabulary (it defaults to an end-of-sequence id of the full Qwen3 vocabulary).
    /// </summary>
    public static int PaddingIdFor(Qwen3Session session) =>
        session.Manifest.PadTokenId is int pad && (uint)pad < (uint)session.VocabSize ? pad : 0;

    /// <summary>Inputs for one decode step feeding <paramref name="lastTokens"/> (one per row).</summary>
    public ForwardBatch Next(ReadOnlySpan<int> lastTokens)
    {
        int width = Width + 1;
        var mask = new long[Rows * width];
        var ids = new long[Rows];
        var positions = new long[Rows];
        for (int row = 0; row < Rows; row++)
        {
            for (int col = 0; col < Width; col++)
            {
                mask[(row * width) + col] = _mask[(row * Width) + col];
            }

            mask[(row * width) + Width] = 1;
            ids[row] = lastTokens[row];
            positions[row] = _nextPosition[row]++;
        }

        _mask.Clear();
        _mask.AddRange(mask);
        Width = width;
        return new ForwardBatch(ids, mask, positions, Rows);
    }
}
