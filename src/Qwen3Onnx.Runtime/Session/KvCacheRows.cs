using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Qwen3Onnx.Runtime.Session;

/// <summary>
/// Builds a cache from rows of other caches, right-aligned: every row's newest position lands in the last filled
/// column. A row shorter than the new length is left-padded with zero key/values (its mask says 0 there); a longer
/// row loses its oldest columns, which callers only drop when they are padding. This merges a prefilled group of
/// newcomers into a running batch, drops rows that left it, and moves the result into fixed buffers, copied
/// through spans. A tensor's third dimension is its stride per head: the filled length for a growing cache, the
/// capacity for fixed buffers (whose columns past the filled length are never read).
/// </summary>
internal static class KvCacheRows
{
    /// <summary>New host tensors of exactly <paramref name="length"/> positions holding the given rows.</summary>
    public static KvCache Gather(IReadOnlyList<KvRowSource> sources, int length)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sources.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        foreach (var cache in sources.Select(source => source.Cache).Distinct())
        {
            EnsureOnHost(cache);
        }

        var values = new OrtValue[sources[0].Cache.Values.Count];
        try
        {
            for (int i = 0; i < values.Length; i++)
            {
                var info = sources[0].Cache.Values[i].GetTensorTypeAndShape();
                values[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, info.ElementDataType, [sources.Count, info.Shape[1], length, info.Shape[3]]);
                CopyTensor(sources, i, length, values[i]);
            }
        }
        catch
        {
            foreach (var value in values.Where(value => value is not null))
            {
                value.Dispose();
            }

            throw;
        }

        return new KvCache(values, sources.Count, length);
    }

    /// <summary>Copies every row of <paramref name="source"/> into the first columns of <paramref name="target"/>'s wider tensors.</summary>
    public static void CopyInto(KvCache source, KvCache target)
    {
        if (source.BatchSize != target.BatchSize || source.Values.Count != target.Values.Count)
        {
            throw new ArgumentException($"a cache of {source.BatchSize} rows does not fit one of {target.BatchSize}", nameof(target));
        }

        EnsureOnHost(source);
        EnsureOnHost(target);
        var rows = Enumerable.Range(0, source.BatchSize).Select(row => new KvRowSource(source, row)).ToList();
        for (int i = 0; i < source.Values.Count; i++)
        {
            CopyTensor(rows, i, source.Length, target.Values[i]);
        }
    }

    /// <summary>Row r of <paramref name="target"/> (tensor <paramref name="index"/> of a layer) gets source r, in its first <paramref name="length"/> columns.</summary>
    private static void CopyTensor(IReadOnlyList<KvRowSource> sources, int index, int length, OrtValue target)
    {
        var targetShape = target.GetTensorTypeAndShape();
        var layout = new KvLayout((int)targetShape.Shape[1], (int)targetShape.Shape[3], ElementBytes(targetShape.ElementDataType));
        int targetStride = (int)targetShape.Shape[2];
        var targetData = target.GetTensorMutableRawData();
        for (int row = 0; row < sources.Count; row++)
        {
            var (cache, sourceRow) = sources[row];
            var value = cache.Values[index];
            int sourceStride = (int)value.GetTensorTypeAndShape().Shape[2];
            var source = value.GetTensorMutableRawData().Slice(sourceRow * layout.RowBytes(sourceStride), layout.RowBytes(sourceStride));
            var rowTarget = targetData.Slice(row * layout.RowBytes(targetStride), layout.RowBytes(targetStride));
            CopyRightAligned(source, sourceStride, cache.Length, rowTarget, targetStride, length, layout);
        }
    }

    /// <summary>Per head: the newest min(from, to) filled positions go to the end of the target's first <paramref name="to"/>; the rest of those is zeroed.</summary>
    private static void CopyRightAligned(ReadOnlySpan<byte> source, int sourceStride, int from, Span<byte> target, int targetStride, int to, KvLayout layout)
    {
        int kept = Math.Min(from, to);
        int positionBytes = layout.HeadDim * layout.ElementBytes;
        for (int head = 0; head < layout.Heads; head++)
        {
            var sourceHead = source.Slice(head * sourceStride * positionBytes, from * positionBytes);
            var targetHead = target.Slice(head * targetStride * positionBytes, to * positionBytes);
            targetHead[..((to - kept) * positionBytes)].Clear();
            sourceHead[((from - kept) * positionBytes)..].CopyTo(targetHead[((to - kept) * positionBytes)..]);
        }
    }

    private static void EnsureOnHost(KvCache cache)
    {
        using var memory = cache.Values[0].GetTensorMemoryInfo();
        if (memory.GetDeviceType() != OrtMemoryInfoDeviceType.CPU)
        {
            throw new NotSupportedException($"the key/value cache lives in {memory.Name} memory; rows can only be merged or removed in a host cache");
        }
    }

    private static int ElementBytes(TensorElementType type) => type switch
    {
        TensorElementType.Float => sizeof(float),
        TensorElementType.Float16 or TensorElementType.BFloat16 => sizeof(ushort),
        _ => throw new NotSupportedException($"key/value cache of element type {type}"),
    };

    private readonly record struct KvLayout(int Heads, int HeadDim, int ElementBytes)
    {
        public int RowBytes(int stride) => Heads * stride * HeadDim * ElementBytes;
    }
}
