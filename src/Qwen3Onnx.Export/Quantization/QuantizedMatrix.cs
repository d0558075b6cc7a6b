namespace Qwen3Onnx.Export.Quantization;

/// <summary>
/// A block-quantized [Rows, Columns] matrix: codes packed per row (blocks of <see cref="BlockQuantizationFormat.BlobSize"/>
/// bytes, low nibble first) and one float scale per block. The same bytes serve MatMulNBits (Rows = N, Columns = K) and,
/// when Columns is a multiple of the block size, GatherBlockQuantized (Rows = vocab, Columns = hidden).
/// </summary>
public sealed record QuantizedMatrix(BlockQuantizationFormat Format, int Rows, int Columns, byte[] Packed, float[] Scales)
{
    public int BlocksPerRow => Format.BlocksPerRow(Columns);

    /// <summary>MatMulNBits input B: uint8 [N, k_blocks, blob_size].</summary>
    public long[] MatMulNBitsWeightShape => [Rows, BlocksPerRow, Format.BlobSize];

    /// <summary>MatMulNBits input scales: [N, k_blocks] (row-major, so also the flat [N * k_blocks] of older docs).</summary>
    public long[] MatMulNBitsScalesShape => [Rows, BlocksPerRow];

    /// <summary>GatherBlockQuantized data: uint8 [rows, columns * bits / 8] with quantize_axis = 1, gather_axis = 0.</summary>
    public long[] GatherBlockQuantizedDataShape
    {
        get
        {
            RequireWholeBlocks();
            return [Rows, Columns / Format.ValuesPerByte];
        }
    }

    /// <summary>GatherBlockQuantized scales: [rows, columns / block_size].</summary>
    public long[] GatherBlockQuantizedScalesShape
    {
        get
        {
            RequireWholeBlocks();
            return [Rows, BlocksPerRow];
        }
    }

    /// <summary>Float weights as the ops see them, for tests and error measurement.</summary>
    public float[] Dequantize()
    {
        var weight = new float[Rows * Columns];
        new BlockQuantizer(Format, Columns).DequantizeRows(Packed, Scales, weight);
        return weight;
    }

    private void RequireWholeBlocks()
    {
        // GatherBlockQuantized packs along the unpadded last axis, so a padded last block would shift every later row.
        if (Columns % Format.BlockSize != 0)
        {
            throw new InvalidOperationException($"{Columns} columns are not a multiple of block size {Format.BlockSize}");
        }
    }
}
