using System.Numerics;
using System.Runtime.InteropServices;

namespace Qwen3Onnx.Export.Quantization;

/// <summary>
/// Round-to-nearest symmetric block quantization of a row-major [rows, columns] float32 matrix whose rows are
/// output features and columns input features (HF's Linear layout, MatMulNBits' N × K). Per block:
/// scale = max|w| / MaxMagnitude, code = clamp(round(w / scale), −MaxMagnitude, MaxMagnitude) + ZeroPoint,
/// packed low nibble first. A short last block is padded with the zero code.
/// Rows are independent, so a caller can stream a huge matrix (lm_head) through it a slice at a time.
/// </summary>
public sealed class BlockQuantizer
{
    public BlockQuantizer(BlockQuantizationFormat format, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        Format = format;
        Columns = columns;
    }

    public BlockQuantizationFormat Format { get; }

    /// <summary>K: input features per row.</summary>
    public int Columns { get; }

    public int BlocksPerRow => Format.BlocksPerRow(Columns);

    public int BytesPerRow => Format.BytesPerRow(Columns);

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
                var blob = packed.Slice(r * BytesPerRow + b * Format.BlobSize, Format.BlobSize);
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
            rowScales[b] = QuantizeBlock(block, packedRow.Slice(b * Format.BlobSize, Format.BlobSize));
        }
    }

    private float QuantizeBlock(ReadOnlySpan<float> block, Span<byte> blob)
    {
        var scale = MaxAbs(block) / Format.MaxMagnitude;
        var inverse = scale == 0f ? 0f : 1f / scale;
        blob.Clear();
        for (var i = 0; i < Format.BlockSize; i++)
        {
            // Padding past the row's end gets the zero code, so it adds nothing to a dot product.
            var code = i < block.Length ? Code(block[i] * inverse) : Format.ZeroPoint;
            Pack(blob, i, code);
        }

        return scale;
    }

    private int Code(float scaled)
    {
        var level = (int)MathF.Round(scaled, MidpointRounding.ToEven);
        return Math.Clamp(level, -Format.MaxMagnitude, Format.MaxMagnitude) + Format.ZeroPoint;
    }

    private void Pack(Span<byte> blob, int index, int code)
    {
        if (Format.Bits == 8)
        {
            blob[index] = (byte)code;
            return;
        }

        // Element 2j goes into the low nibble of byte j, element 2j+1 into the high nibble.
        blob[index >> 1] |= (byte)((index & 1) == 0 ? code : code << 4);
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

    private static float MaxAbs(ReadOnlySpan<float> values)
    {
        var max = 0f;
        var i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            var acc = Vector<float>.Zero;
            foreach (var v in vectors)
            {
                acc = Vector.Max(acc, Vector.Abs(v));
            }

            for (var lane = 0; lane < Vector<float>.Count; lane++)
            {
                max = MathF.Max(max, acc[lane]);
            }

            i = vectors.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(values[i]));
        }

        return max;
    }

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
