namespace Qwen3Onnx.Export.Quantization;

/// <summary>
/// How a row's codes are stored when its input features do not fill the last block: MatMulNBits reads
/// [N, ceil(K / block), blob] (the last block padded with the zero code); QMoE and GatherBlockQuantized read
/// [N, K · bits / 8], the codes ending with the row. Both take ceil(K / block) scales per row.
/// </summary>
public enum RowLayout
{
    BlockPadded,
    Contiguous,
}
