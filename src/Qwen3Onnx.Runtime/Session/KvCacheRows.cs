using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Qwen3Onnx.Runtime.Session;

/// <summary>
/// Builds a cache from rows of other caches, right-aligned: every row's newest position lands in the last column.
/// A row shorter than the new length is left-padded with zero key/values (its mask says 0 there); a longer row
/// loses its oldest columns, which callers only drop when they are padding. This merges a prefilled group of
/// newcomers into a running batch and drops rows that left it, one new tensor per layer, copied through spans.
/// </summary>
internal static class KvCacheRows
{
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
                values[i] = GatherTensor(sources, i, length);
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

    /// <summary>[rows, kv_heads, length, head_dim] from the tensor <paramref name="index"/> of every source.</summary>
    private static OrtValue GatherTensor(IReadOnlyList<KvRowSource> sources, int index, int length)
    {
        var info = sources[0].Cache.Values[index].GetTensorTypeAndShape();
        var layout = new KvLayout((int)info.Shape[1], (int)info.Shape[3], ElementBytes(info.ElementDataType));
        var result = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, info.ElementDataType, [sources.Count, layout.Heads, length, layout.HeadDim]);
        var target = result.GetTensorMutableRawData();
        int targetRowBytes = layout.RowBytes(length);
        for (int row = 0; row < sources.Count; row++)
        {
            var (cache, sourceRow) = sources[row];
            int sourceRowBytes = layout.RowBytes(cache.Length);
            var source = cache.Values[index].GetTensorMutableRawData().Slice(sourceRow * sourceRowBytes, sourceRowBytes);
            CopyRightAligned(source, cache.Length, target.Slice(row * targetRowBytes, targetRowBytes), length, layout);
        }

        return result;
    }

    /// <summary>Per head: the newest min(from, to) positions go to the end of the target row; the rest of it is zeroed.</summary>
    private static void CopyRightAligned(ReadOnlySpan<byte> source, int from, Span<byte> target, int to, KvLayout layout)
    {
        int kept = Math.Min(from, to);
        int positionBytes = layout.HeadDim * layout.ElementBytes;
        for (int head = 0; head < layout.Heads; head++)
        {
            var sourceHead = source.Slice(head * from * positionBytes, from * positionBytes);
            var targetHead = target.Slice(head * to * positionBytes, to * positionBytes);
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
        public int RowBytes(int length) => Heads * length * HeadDim * ElementBytes;
    }
}
