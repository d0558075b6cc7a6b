using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Qwen3Onnx.Runtime.Session;

/// <summary>
/// The past key/value tensors of every layer, owned as ONNX Runtime values: each step's <c>present</c>
/// outputs become the next step's <c>past</c> inputs without passing through managed arrays.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly OrtValue[] _values;
    private readonly bool _ownsValues;

    internal KvCache(OrtValue[] values, int batchSize, FixedKvBuffers? fixedBuffers = null)
    {
        _values = values;
        BatchSize = batchSize;
        Fixed = fixedBuffers;
        _ownsValues = fixedBuffers is null;
    }

    /// <summary>Wraps values that already hold <paramref name="length"/> positions per row (a merged or sliced cache).</summary>
    internal KvCache(OrtValue[] values, int batchSize, int length)
        : this(values, batchSize)
    {
        Length = length;
    }

    public int BatchSize { get; }

    /// <summary>Positions the cache can hold without growing: the fixed buffers' capacity, or null when each step returns a longer cache.</summary>
    public int? Capacity => Fixed?.Shape.Capacity;

    /// <summary>The session's fixed past/present buffers this cache writes into in place, or null for a growing cache.</summary>
    internal FixedKvBuffers? Fixed { get; }

    /// <summary>Tokens held per row (past sequence length), padding included.</summary>
    public int Length { get; private set; }

    internal IReadOnlyList<OrtValue> Values => _values;

    internal static KvCache Empty(int layers, int batchSize, int kvHeads, int headDim, TensorElementType elementType)
    {
        var values = new OrtValue[layers * 2];
        long[] shape = [batchSize, kvHeads, 0, headDim];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, elementType, shape);
        }

        return new KvCache(values, batchSize);
    }

    /// <summary>Takes ownership of the new present values and releases the old past ones.</summary>
    internal void Replace(IReadOnlyList<OrtValue> presents, int newLength)
    {
        for (int i = 0; i < _values.Length; i++)
        {
            _values[i].Dispose();
            _values[i] = presents[i];
        }

        Length = newLength;
    }

    /// <summary>A fixed cache was appended to in place: only its length changes.</summary>
    internal void Advance(int newLength) => Length = newLength;

    /// <summary>A growing cache owns its values; fixed buffers belong to the session, which reuses them for the next generation.</summary>
    public void Dispose()
    {
        if (!_ownsValues)
        {
            return;
        }

        foreach (var value in _values)
        {
            value.Dispose();
        }
    }
}
