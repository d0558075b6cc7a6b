namespace Qwen3Onnx.Export.Quantization;

/// <summary>
/// Round-to-nearest symmetric block quantization of a row-major [rows, columns] float32 matrix whose rows are
/// output features and columns input features (HF's Linear layout, MatMulNBits' N × K). Per block: the scale of least
/// squared error that clips nothing (<see cref="BlockScaleSearch"/>; it may be negative, putting the block's extreme on
/// the one-sided code 0), code = round(w / scale) + ZeroPoint, packed low nibble first, so every element comes back
/// within half a step: |w − (code − ZeroPoint)·scale| ≤ |scale| / 2. A short last block is quantized as if padded with
/// zeros; <see cref="RowLayout"/> says whether its codes are stored padded to a whole block or end with the row.
/// Rows are independent, so a caller can stream a huge matrix (lm_head) through it a slice at a time.
/// </summary>
public sealed class BlockQuantizer
{
    private readonly BlockScaleSearch _search;

    public BlockQuantizer(BlockQuantizationFormat format, int columns, RowLayout layout = RowLayout.BlockPadded)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (layout == RowLayout.Contiguous && !format.FillsWholeBytes(columns))
        {
            throw new ArgumentException($"{columns} columns of {format.Bits}-bit codes do not fill whole bytes", nameof(columns));
        }

        Format = format;
        Columns = columns;
        Layout = layout;
        _search = new BlockScaleSearch(format);
    }

    public BlockQuantizationFormat Format { get; }

    /// <summary>K: input features per row.</summary>
    public int Columns { get; }

    public RowLayout Layout { get; }

    public int BlocksPerRow => Format.BlocksPerRow(Columns);

    public int BytesPerRow => Format.BytesPerRow(Columns, Layout);

    /// <summary>Quantizes whole rows; <paramref name="packed"/> and <paramref name="scales"/> are those rows' part of the output.</summary>
    public void QuantizeRows(ReadOnlySpan<float> rows, Span<byte> packed, Span<float> scales)
    {
        var rowCount = RowCount(rows.Length);
        RequireLength(packed.Length, rowCount * BytesPerRow, nameof(packed));
        RequireLength(scales.Length, rowCount * BlocksPerRow, nameof(scales));
        for (var r = 0; r < rowCount; r++)
        {
            QuantizeRow(rows.Slice(r * Columns, Columns), packed.Slice(r * BytesPerRow, BytesPerRow), scales.Slice(r * BlocksPerRow, BlocksPerRow));
        }
    }

    /// <summary>As <see cref="QuantizeRows"/>, with bands of rows spread over the cores (rows are independent).</summary>
    public void QuantizeRowsInParallel(ReadOnlyMemory<float> rows, Memory<byte> packed, Memory<float> scales)
    {
        var rowCount = RowCount(rows.Length);
        int band = Math.Max(16, rowCount / (Environment.ProcessorCount * 4));
        if (band >= rowCount)
        {
            QuantizeRows(rows.Span, packed.Span, scales.Span);
            return;
        }

        Parallel.For(0, (rowCount + band - 1) / band, i =>
        {
            int r0 = i * band, count = Math.Min(band, rowCount - r0);
            QuantizeRows(
                rows.Span.Slice(r0 * Columns, count * Columns),
                packed.Span.Slice(r0 * BytesPerRow, count * BytesPerRow),
                scales.Span.Slice(r0 * BlocksPerRow, count * BlocksPerRow));
        });
    }

    /// <summary>Quantizes a whole matrix into fresh buffers.</summary>
    public QuantizedMatrix Quantize(ReadOnlySpan<float> weight)
    {
        var rowCount = RowCount(weight.Length);
        var packed = new byte[rowCount * BytesPerRow];
        var scales = new float[rowCount * BlocksPerRow];
        QuantizeRows(weight, packed, scales);
        return new QuantizedMatrix(Format, rowCount, Columns, packed, scales);
    }

    /// <summary>The float weights the ops compute with: (code − ZeroPoint) · scale.</summary>
    public void DequantizeRows(ReadOnlySpan<byte> packed, ReadOnlySpan<float> scales, Span<float> rows)
    {
        var rowCount = RowCount(rows.Length);
        RequireLength(packed.Length, rowCount * BytesPerRow, nameof(packed));
        RequireLength(scales.Length, rowCount * BlocksPerRow, nameof(scales));
        for (var r = 0; r < rowCount; r++)
        {
            for (var b = 0; b < BlocksPerRow; b++)
            {
                var start = b * Format.BlockSize;
                var length = Math.Min(Format.BlockSize, Columns - start);
                var blob = packed.Slice(r * BytesPerRow + b * Format.BlobSize, Math.Min(Format.BlobSize, BytesPerRow - b * Format.BlobSize));
                DequantizeBlock(blob, scales[r * BlocksPerRow + b], rows.Slice(r * Columns + start, length));
            }
        }
    }

    private void QuantizeRow(ReadOnlySpan<float> row, Span<byte> packedRow, Span<float> rowScales)
    {
        for (var b = 0; b < rowScales.Length; b++)
        {
            var start = b * Format.BlockSize;
            var block = row.Slice(start, Math.Min(Format.BlockSize, Columns - start));
            var blob = packedRow.Slice(b * Format.BlobSize, Math.Min(Format.BlobSize, packedRow.Length - b * Format.BlobSize));
            rowScales[b] = blob.Length == Format.BlobSize ? QuantizeBlock(block, blob) : QuantizeShortBlob(block, blob);
        }
    }

    /// <summary>A contiguous row's last block: quantized whole, only the codes of real columns kept.</summary>
    private float QuantizeShortBlob(ReadOnlySpan<float> block, Span<byte> blob)
    {
        Span<byte> whole = stackalloc byte[Format.BlobSize];
        float scale = QuantizeBlock(block, whole);
        whole[..blob.Length].CopyTo(blob);
        return scale;
    }

    private float QuantizeBlock(ReadOnlySpan<float> block, Span<byte> blob)
    {
        if (block.Length < Format.BlockSize)
        {
            return QuantizePaddedBlock(block, blob);
        }

        var scale = _search.Scale(block);
        var inverse = scale == 0f ? 0f : 1f / scale;
        if (Format.Bits == 8)
        {
            PackBytes(block, inverse, blob);
        }
        else
        {
            PackNibbles(block, inverse, blob);
        }

        return scale;
    }

    /// <summary>Padding past the row's end is zero, which rounds to the zero code and adds nothing to a dot product.</summary>
    private float QuantizePaddedBlock(ReadOnlySpan<float> block, Span<byte> blob)
    {
        Span<float> padded = stackalloc float[Format.BlockSize];
        padded.Clear();
        block.CopyTo(padded);
        return QuantizeBlock(padded, blob);
    }

    /// <summary>The search admitted <paramref name="inverse"/> only if every code is in range; the clamp is a safety net.</summary>
    private int Code(float value, float inverse)
    {
        var level = (int)MathF.Round(value * inverse, MidpointRounding.ToEven);
        return Math.Clamp(level, -Format.ZeroPoint, Format.MaxMagnitude) + Format.ZeroPoint;
    }

    private void PackBytes(ReadOnlySpan<float> block, float inverse, Span<byte> blob)
    {
        for (var i = 0; i < block.Length; i++)
        {
            blob[i] = (byte)Code(block[i], inverse);
        }
    }

    /// <summary>Element 2j goes into the low nibble of byte j, element 2j+1 into the high nibble.</summary>
    private void PackNibbles(ReadOnlySpan<float> block, float inverse, Span<byte> blob)
    {
        for (var j = 0; j < blob.Length; j++)
        {
            blob[j] = (byte)(Code(block[2 * j], inverse) | (Code(block[2 * j + 1], inverse) << 4));
        }
    }

    private void DequantizeBlock(ReadOnlySpan<byte> blob, float scale, Span<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (Unpack(blob, i) - Format.ZeroPoint) * scale;
        }
    }

    private int Unpack(ReadOnlySpan<byte> blob, int index) =>
        Format.Bits == 8 ? blob[index] : (blob[index >> 1] >> ((index & 1) * 4)) & 0xF;

    private int RowCount(int length)
    {
        if (length % Columns != 0)
        {
            throw new ArgumentException($"{length} values are not whole rows of {Columns} columns");
        }

        return length / Columns;
    }

    private static void RequireLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} holds {actual} elements, expected {expected}", name);
        }
    }
}
