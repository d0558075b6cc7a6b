using System.Buffers;
using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Export.Weights;

/// <summary>
/// Streams checkpoint matrices into block-quantized codes a band of rows at a time (rows are independent), so a
/// large matrix is never held whole; the per-block scales, an eighth of the codes' size or less, are collected for
/// the scales initializer written right after.
/// </summary>
internal sealed class QuantizingStreamer(IWeightSource source, BlockQuantizationFormat format)
{
    /// <summary>Floats held per band; 4M floats is 16 MB.</summary>
    private const int TileElements = 4 << 20;

    public BlockQuantizationFormat Format => format;

    /// <summary>Quantizes the [rows, columns] tensor <paramref name="name"/>; its scales go to <paramref name="scales"/>.</summary>
    public void WriteRows(string name, Stream destination, Memory<float> scales, RowLayout layout)
    {
        var shape = source.GetInfo(name).Shape;
        int rows = checked((int)shape[0]), columns = checked((int)shape[1]);
        var quantizer = new BlockQuantizer(format, columns, layout);
        int band = Math.Clamp(TileElements / columns, 1, rows);
        float[] tile = ArrayPool<float>.Shared.Rent(band * columns);
        byte[] packed = ArrayPool<byte>.Shared.Rent(band * quantizer.BytesPerRow);
        try
        {
            for (int r0 = 0; r0 < rows; r0 += band)
            {
                int count = Math.Min(band, rows - r0);
                var values = tile.AsMemory(0, count * columns);
                source.ReadFloat32(name, (long)r0 * columns, values.Span);
                var codes = packed.AsMemory(0, count * quantizer.BytesPerRow);
                quantizer.QuantizeRowsInParallel(values, codes, scales.Slice(r0 * quantizer.BlocksPerRow, count * quantizer.BlocksPerRow));
                destination.Write(codes.Span);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(tile);
            ArrayPool<byte>.Shared.Return(packed);
        }
    }

    /// <summary>fc1 of QMoE: each expert's gate and up rows interleaved (g0, u0, g1, u1, …), quantized one expert at a time.</summary>
    public void WriteInterleavedGateUp(IReadOnlyList<string> gates, IReadOnlyList<string> ups, Stream destination, Memory<float> scales)
    {
        var shape = source.GetInfo(gates[0]).Shape;
        int inter = checked((int)shape[0]), hidden = checked((int)shape[1]);
        var quantizer = new BlockQuantizer(format, hidden, RowLayout.Contiguous);
        int blocksPerExpert = 2 * inter * quantizer.BlocksPerRow;
        float[] fused = ArrayPool<float>.Shared.Rent(2 * inter * hidden);
        byte[] packed = ArrayPool<byte>.Shared.Rent(2 * inter * quantizer.BytesPerRow);
        try
        {
            for (int e = 0; e < gates.Count; e++)
            {
                var values = fused.AsMemory(0, 2 * inter * hidden);
                ExpertInterleaver.Read(source, gates[e], ups[e], values.Span);
                var codes = packed.AsMemory(0, 2 * inter * quantizer.BytesPerRow);
                quantizer.QuantizeRowsInParallel(values, codes, scales.Slice(e * blocksPerExpert, blocksPerExpert));
                destination.Write(codes.Span);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(fused);
            ArrayPool<byte>.Shared.Return(packed);
        }
    }

    /// <summary>
    /// Each tensor's rows in turn, as <see cref="WriteRows(string, Stream, Memory{float}, RowLayout)"/>, scales in the same order:
    /// an expert stack [E, out, in], or a packed projection [Σ out_i, in] (rows are quantized independently, so
    /// concatenating rows leaves every block as it was).
    /// </summary>
    public void WriteRows(IReadOnlyList<string> names, Stream destination, Memory<float> scales, RowLayout layout)
    {
        int offset = 0;
        foreach (string name in names)
        {
            var shape = source.GetInfo(name).Shape;
            int count = checked((int)shape[0] * format.BlocksPerRow((int)shape[1]));
            WriteRows(name, destination, scales.Slice(offset, count), layout);
            offset += count;
        }
    }
}
