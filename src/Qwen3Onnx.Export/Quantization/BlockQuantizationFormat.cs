namespace Qwen3Onnx.Export.Quantization;

/// <summary>
/// How a weight row is cut into blocks along K (the input features) and packed: the layout that
/// com.microsoft MatMulNBits, GatherBlockQuantized (uint8 data) and QMoE (quant_type "int") share.
/// Symmetric: codes are stored with the op's default zero point 2^(bits-1), so no zero_points input is emitted.
/// </summary>
public sealed record BlockQuantizationFormat
{
    public BlockQuantizationFormat(int bits = 4, int blockSize = 32)
    {
        if (bits is not (4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "bits must be 4 or 8");
        }

        // The ops require a power of two of at least 16; 256 is the largest block the CPU kernels are tested with.
        if (blockSize is < 16 or > 256 || (blockSize & (blockSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "block size must be a power of two in [16, 256]");
        }

        Bits = bits;
        BlockSize = blockSize;
    }

    public static BlockQuantizationFormat Int4 { get; } = new(4, 32);

    public static BlockQuantizationFormat Int8 { get; } = new(8, 32);

    public int Bits { get; }

    public int BlockSize { get; }

    /// <summary>The zero point the ops assume when zero_points is absent: 8 for int4, 128 for int8.</summary>
    public int ZeroPoint => 1 << (Bits - 1);

    /// <summary>Largest code magnitude used on each side of the zero point (7 or 127), so the grid is symmetric.</summary>
    public int MaxMagnitude => ZeroPoint - 1;

    public int ValuesPerByte => 8 / Bits;

    /// <summary>Bytes of one packed block: MatMulNBits' blob_size.</summary>
    public int BlobSize => BlockSize * Bits / 8;

    public int BlocksPerRow(int columns) => (columns + BlockSize - 1) / BlockSize;

    /// <summary>Bytes of one row's codes: whole blobs when <see cref="RowLayout.BlockPadded"/>, else columns · bits / 8.</summary>
    public int BytesPerRow(int columns, RowLayout layout = RowLayout.BlockPadded) =>
        layout == RowLayout.BlockPadded ? BlocksPerRow(columns) * BlobSize : columns * Bits / 8;

    /// <summary>Whether a <see cref="RowLayout.Contiguous"/> row of <paramref name="columns"/> codes ends on a byte boundary.</summary>
    public bool FillsWholeBytes(long columns) => columns * Bits % 8 == 0;
}
