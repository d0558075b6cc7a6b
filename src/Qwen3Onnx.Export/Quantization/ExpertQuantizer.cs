namespace Qwen3Onnx.Export.Quantization;

/// <summary>
/// Quantizes one expert at a time into a preallocated QMoE stack, so a 128-expert layer never needs its
/// float weights all at once.
/// </summary>
public sealed class ExpertQuantizer
{
    private readonly BlockQuantizer _quantizer;
    private readonly byte[] _packed;
    private readonly float[] _scales;

    public ExpertQuantizer(BlockQuantizationFormat format, int experts, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(experts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);

        _quantizer = new BlockQuantizer(format, columns, RowLayout.Contiguous);
        Experts = experts;
        Rows = rows;
        _packed = new byte[experts * rows * _quantizer.BytesPerRow];
        _scales = new float[experts * rows * _quantizer.BlocksPerRow];
    }

    public int Experts { get; }

    public int Rows { get; }

    public void QuantizeExpert(int expert, ReadOnlySpan<float> weight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expert);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(expert, Experts);
        if (weight.Length != Rows * _quantizer.Columns)
        {
            throw new ArgumentException($"expert {expert} has {weight.Length} values, expected {Rows} x {_quantizer.Columns}", nameof(weight));
        }

        var bytes = Rows * _quantizer.BytesPerRow;
        var blocks = Rows * _quantizer.BlocksPerRow;
        _quantizer.QuantizeRows(weight, _packed.AsSpan(expert * bytes, bytes), _scales.AsSpan(expert * blocks, blocks));
    }

    public QuantizedExperts Result => new(_quantizer.Format, Experts, Rows, _quantizer.Columns, _packed, _scales);
}
