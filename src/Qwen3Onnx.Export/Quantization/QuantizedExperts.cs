namespace Qwen3Onnx.Export.Quantization;

/// <summary>
/// Stacked block-quantized expert weights for com.microsoft QMoE (quant_type "int", block_size attribute set):
/// weights uint8 [experts, rows, columns / pack], scales [experts, rows, ceil(columns / block_size)], each expert's rows
/// in <see cref="RowLayout.Contiguous"/> layout (rows = output features, columns = input features).
/// </summary>
public sealed record QuantizedExperts(BlockQuantizationFormat Format, int Experts, int Rows, int Columns, byte[] Packed, float[] Scales)
{
    public long[] WeightShape => [Experts, Rows, Format.BytesPerRow(Columns, RowLayout.Contiguous)];

    public long[] ScalesShape => [Experts, Rows, Format.BlocksPerRow(Columns)];

    public float[] DequantizeExpert(int expert)
    {
        var quantizer = new BlockQuantizer(Format, Columns, RowLayout.Contiguous);
        var bytes = Rows * quantizer.BytesPerRow;
        var blocks = Rows * quantizer.BlocksPerRow;
        var weight = new float[Rows * Columns];
        quantizer.DequantizeRows(Packed.AsSpan(expert * bytes, bytes), Scales.AsSpan(expert * blocks, blocks), weight);
        return weight;
    }
}
