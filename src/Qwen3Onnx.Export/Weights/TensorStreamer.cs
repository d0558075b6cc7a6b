using System.Buffers;
using System.Runtime.InteropServices;
using Qwen3Onnx.Models.Weights;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Weights;

/// <summary>
/// Streams checkpoint tensors into a byte stream in the graph's dtype, in slices, so that peak memory is one
/// tile rather than one tensor. Matrices can be written transposed (HF [out, in] → MatMul's [in, out]) a band of
/// output rows at a time.
/// </summary>
internal sealed class TensorStreamer(IWeightSource source, DataType target)
{
    /// <summary>Floats held per tile; 4M floats is 16 MB, large enough that slice reads stay cheap.</summary>
    private const int TileElements = 4 << 20;

    /// <summary>Rows one worker reads per band: enough that scheduling costs nothing beside the reads.</summary>
    private const int RowsPerGroup = 64;

    public DataType Target => target;

    /// <summary>Writes the tensor as stored, row-major.</summary>
    public void WriteAsIs(string name, Stream destination)
    {
        long count = source.GetInfo(name).ElementCount;
        float[] tile = ArrayPool<float>.Shared.Rent((int)Math.Min(TileElements, count));
        try
        {
            for (long offset = 0; offset < count; offset += tile.Length)
            {
                var slice = tile.AsSpan(0, (int)Math.Min(tile.Length, count - offset));
                source.ReadFloat32(name, offset, slice);
                Write(slice, destination);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(tile);
        }
    }

    /// <summary>Writes the 2-D tensor [rows, cols] transposed to [cols, rows].</summary>
    public void WriteTransposed(string name, Stream destination) => WriteTransposed([name], destination);

    /// <summary>
    /// Writes 2-D tensors [rows_i, cols] stacked along rows, then transposed, to [cols, Σ rows_i]: for each band of
    /// source columns, reads that band of every row of every tensor and emits the band's output rows.
    /// </summary>
    public void WriteTransposed(IReadOnlyList<string> names, Stream destination)
    {
        long cols = source.GetInfo(names[0]).Shape[1];
        long rows = names.Sum(name => source.GetInfo(name).Shape[0]);
        int band = (int)Math.Clamp(TileElements / rows, 1, cols);
        float[] tile = ArrayPool<float>.Shared.Rent(checked((int)(band * rows)));
        try
        {
            for (long c0 = 0; c0 < cols; c0 += band)
            {
                int width = (int)Math.Min(band, cols - c0);
                long firstRow = 0;
                foreach (string name in names)
                {
                    firstRow += ScatterColumnBand(name, new ColumnBand(c0, width, rows, firstRow), tile);
                }

                Write(tile.AsSpan(0, (int)(width * rows)), destination);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(tile);
        }
    }

    /// <summary>Writes one expert's gate and up projections interleaved row by row (MoE fc1 with swiglu_fusion = 1).</summary>
    public void WriteInterleaved(string gateName, string upName, Stream destination)
    {
        int count = checked((int)(2 * source.GetInfo(gateName).ElementCount));
        float[] fused = ArrayPool<float>.Shared.Rent(count);
        try
        {
            ExpertInterleaver.Read(source, gateName, upName, fused.AsSpan(0, count));
            Write(fused.AsSpan(0, count), destination);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(fused);
        }
    }

    /// <summary>Writes float32 values converted to the target dtype.</summary>
    public void Write(ReadOnlySpan<float> values, Stream destination)
    {
        if (target == DataType.Float)
        {
            destination.Write(MemoryMarshal.AsBytes(values));
        }
        else if (target == DataType.Bfloat16)
        {
            WriteConverted<ushort>(values, destination, DTypes.Float32ToBFloat16);
        }
        else
        {
            WriteConverted<Half>(values, destination, DTypes.Float32ToFloat16);
        }
    }

    /// <summary>
    /// Reads the band's columns of every row of <paramref name="name"/> into the transposed tile; returns its row count.
    /// Row groups are read in parallel (each lands in its own tile columns): a large dense export is otherwise bound by
    /// one core converting (or generating) its values.
    /// </summary>
    private long ScatterColumnBand(string name, ColumnBand band, float[] tile)
    {
        var shape = source.GetInfo(name).Shape;
        long rows = shape[0], cols = shape[1];
        int groups = (int)((rows + RowsPerGroup - 1) / RowsPerGroup);
        Parallel.For(0, groups, group =>
        {
            float[] row = ArrayPool<float>.Shared.Rent(band.Width);
            try
            {
                long end = Math.Min(rows, (group + 1L) * RowsPerGroup);
                for (long r = group * (long)RowsPerGroup; r < end; r++)
                {
                    source.ReadFloat32(name, (r * cols) + band.FirstColumn, row.AsSpan(0, band.Width));
                    long column = band.FirstRow + r;
                    for (int j = 0; j < band.Width; j++)
                    {
                        tile[(j * band.TileRows) + column] = row[j];
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(row);
            }
        });

        return shape[0];
    }

    /// <summary>Converts into a pooled buffer of the 16-bit element type, then writes its bytes.</summary>
    private static void WriteConverted<T>(ReadOnlySpan<float> values, Stream destination, SpanConversion<T> convert)
        where T : unmanaged
    {
        T[] buffer = ArrayPool<T>.Shared.Rent(values.Length);
        try
        {
            var span = buffer.AsSpan(0, values.Length);
            convert(values, span);
            destination.Write(MemoryMarshal.AsBytes(span));
        }
        finally
        {
            ArrayPool<T>.Shared.Return(buffer);
        }
    }

    private delegate void SpanConversion<T>(ReadOnlySpan<float> source, Span<T> destination);

    /// <summary>Source columns [FirstColumn, FirstColumn + Width) landing at output column FirstRow of a tile [Width, TileRows].</summary>
    private readonly record struct ColumnBand(long FirstColumn, int Width, long TileRows, long FirstRow);
}
