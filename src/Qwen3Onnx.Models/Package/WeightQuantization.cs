namespace Qwen3Onnx.Models.Package;

/// <summary>How an int4/int8 export quantized its weights (symmetric blocks along the input features, no zero points).</summary>
public sealed record WeightQuantization
{
    /// <summary>Bits of every decoder projection and expert.</summary>
    public required int Bits { get; init; }

    /// <summary>Bits of the output projection (lm_head, or the tied embedding).</summary>
    public required int OutputBits { get; init; }

    public required int BlockSize { get; init; }

    /// <summary>How each block's scale was chosen.</summary>
    public required string Scale { get; init; }

    /// <summary>MatMulNBits' accuracy_level (0: activations as they are, 4: int8 per block).</summary>
    public int AccuracyLevel { get; init; } = 4;
}
