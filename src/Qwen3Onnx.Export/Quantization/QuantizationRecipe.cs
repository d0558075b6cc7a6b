using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Export.Quantization;

/// <summary>
/// The block formats of one quantized export: every decoder projection and expert in <see cref="Layers"/>; the output
/// projection (lm_head, or the tied embedding, which is then also the GatherBlockQuantized table) in <see cref="Output"/>.
/// int4 keeps the output projection at 8 bits, as llama.cpp keeps output.weight at Q6_K / Q8_0 in its Q4_0 files: its
/// rounding noise lands on the logits undamped (on the tied fixture it alone costs cosine 0.98 → 0.9999).
/// </summary>
public sealed record QuantizationRecipe(BlockQuantizationFormat Layers, BlockQuantizationFormat Output)
{
    /// <summary>int8 activations per block in MatMulNBits: ONNX Runtime's fast CPU path.</summary>
    public const int DefaultAccuracyLevel = 4;

    /// <summary>MatMulNBits' accuracy_level: 0 computes in the activation dtype, 4 rounds activations to int8 per block.</summary>
    public int AccuracyLevel { get; init; } = DefaultAccuracyLevel;

    /// <param name="outputBits">The output projection's bits; null keeps it at 8 (at least the layers' bits).</param>
    public static QuantizationRecipe For(int bits, int blockSize, int? outputBits = null) =>
        new(new BlockQuantizationFormat(bits, blockSize), new BlockQuantizationFormat(outputBits ?? Math.Max(bits, 8), blockSize));

    /// <summary>The format of the HF weight <paramref name="hfName"/>; the embedding only reaches a projection when tied.</summary>
    public BlockQuantizationFormat FormatOf(string hfName) =>
        hfName is Qwen3WeightNames.LmHead or Qwen3WeightNames.Embedding ? Output : Layers;

    public WeightQuantization ToManifest() => new()
    {
        Bits = Layers.Bits,
        OutputBits = Output.Bits,
        BlockSize = Layers.BlockSize,
        Scale = BlockScaleSearch.Description,
        AccuracyLevel = AccuracyLevel,
    };
}
