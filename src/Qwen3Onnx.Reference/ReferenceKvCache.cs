using Qwen3Onnx.Models.Config;

namespace Qwen3Onnx.Reference;

/// <summary>
/// The keys (after k_norm and RoPE) and values every layer has seen, per batch row. It grows by the
/// sequence length of each <see cref="Qwen3ReferenceModel.Forward"/> call.
/// </summary>
public sealed class ReferenceKvCache
{
    private readonly float[][] _keys;   // [layer · batch + row] → [position, kv_heads, head_dim]
    private readonly float[][] _values; // same layout as _keys
    private readonly int _width;        // kv_heads · head_dim

    public ReferenceKvCache(Qwen3Config config, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        LayerCount = config.NumHiddenLayers;
        BatchSize = batchSize;
        KeyValueHeads = config.NumKeyValueHeads;
        HeadDim = config.HeadDim;
        _width = config.KeyValueWidth;
        _keys = new float[LayerCount * batchSize][];
        _values = new float[LayerCount * batchSize][];
        for (int i = 0; i < _keys.Length; i++)
        {
            _keys[i] = [];
            _values[i] = [];
        }
    }

    public int LayerCount { get; }

    public int BatchSize { get; }

    public int KeyValueHeads { get; }

    public int HeadDim { get; }

    /// <summary>Tokens cached so far (the past_sequence_length of the next call).</summary>
    public int Length { get; private set; }

    /// <summary>Layer <paramref name="layer"/>'s keys in the graph's present layout [batch, kv_heads, Length, head_dim].</summary>
    public float[] PresentKeys(int layer) => ToGraphLayout(_keys, layer);

    /// <summary>Layer <paramref name="layer"/>'s values in the graph's present layout [batch, kv_heads, Length, head_dim].</summary>
    public float[] PresentValues(int layer) => ToGraphLayout(_values, layer);

    internal void Write(int layer, int row, int position, ReadOnlySpan<float> key, ReadOnlySpan<float> value)
    {
        int slot = (layer * BatchSize) + row;
        EnsureCapacity(ref _keys[slot], position + 1);
        EnsureCapacity(ref _values[slot], position + 1);
        key.CopyTo(_keys[slot].AsSpan(position * _width, _width));
        value.CopyTo(_values[slot].AsSpan(position * _width, _width));
    }

    /// <summary>The key of one kv head at one position: [head_dim].</summary>
    internal ReadOnlySpan<float> Key(int layer, int row, int position, int kvHead) =>
        _keys[(layer * BatchSize) + row].AsSpan((position * _width) + (kvHead * HeadDim), HeadDim);

    internal ReadOnlySpan<float> Value(int layer, int row, int position, int kvHead) =>
        _values[(layer * BatchSize) + row].AsSpan((position * _width) + (kvHead * HeadDim), HeadDim);

    internal void Advance(int newTokens) => Length += newTokens;

    private void EnsureCapacity(ref float[] buffer, int positions)
    {
        if (buffer.Length < positions * _width)
        {
            int cachedPositions = buffer.Length / _width;
            Array.Resize(ref buffer, Math.Max(positions, 2 * cachedPositions) * _width);
        }
    }

    private float[] ToGraphLayout(float[][] store, int layer)
    {
        var result = new float[BatchSize * KeyValueHeads * Length * HeadDim]; // [batch, kv_heads, Length, head_dim]
        for (int row = 0; row < BatchSize; row++)
        {
            for (int head = 0; head < KeyValueHeads; head++)
            {
                for (int position = 0; position < Length; position++)
                {
                    var source = store[(layer * BatchSize) + row].AsSpan((position * _width) + (head * HeadDim), HeadDim);
                    int target = (((row * KeyValueHeads) + head) * Length + position) * HeadDim;
                    source.CopyTo(result.AsSpan(target, HeadDim));
                }
            }
        }

        return result;
    }
}
