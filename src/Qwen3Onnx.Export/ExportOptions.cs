using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Export;

/// <summary>
/// What to export and where. The model comes from <see cref="SourceFolder"/> (config.json + safetensors) or from a
/// <see cref="Preset"/> name; <see cref="SyntheticSeed"/> replaces the weights by seeded synthetic ones (required for a preset).
/// </summary>
public sealed record ExportOptions
{
    /// <summary>Weights up to this many bytes go inline in model.onnx; larger graphs keep model.onnx.data.</summary>
    public const long DefaultInlineWeightLimit = 1_900_000_000;

    public const int DefaultBlockSize = 32;

    /// <summary>An HF checkpoint folder with config.json (and safetensors unless synthetic).</summary>
    public string? SourceFolder { get; init; }

    /// <summary>A <see cref="Models.Config.Qwen3Presets"/> name such as "0.6B" or "30B-A3B".</summary>
    public string? Preset { get; init; }

    /// <summary>A config given in code (tests, the demo model); needs <see cref="SyntheticSeed"/>.</summary>
    public Models.Config.Qwen3Config? Config { get; init; }

    /// <summary>When set, weights are <see cref="Models.Weights.SyntheticWeights"/> with this seed.</summary>
    public ulong? SyntheticSeed { get; init; }

    /// <summary>The export folder; created (or replaced) only once the export has succeeded.</summary>
    public required string OutputFolder { get; init; }

    public ExportDType DType { get; init; } = ExportDType.Fp32;

    /// <summary>
    /// Activation and KV-cache precision of an int4/int8 export: float32 (default; ONNX Runtime's fast CPU kernels) or
    /// float16 / bfloat16 (the GPU kernels' fast path). Float exports compute in their own dtype and leave this null.
    /// </summary>
    public ExportDType? Activations { get; init; }

    /// <summary>The activation dtype actually used: <see cref="Activations"/>, else float32 for int4/int8, else <see cref="DType"/>.</summary>
    public ExportDType ResolvedActivations => Activations ?? (IsQuantized ? ExportDType.Fp32 : DType);

    /// <summary>The graph flavour; null picks <see cref="ExportGraph.Fused"/> for int4/int8 (they need contrib ops), else portable.</summary>
    public ExportGraph? Graph { get; init; }

    /// <summary>Quantization block size along the input features for int4/int8 (power of two, 16…256).</summary>
    public int BlockSize { get; init; } = DefaultBlockSize;

    /// <summary>
    /// Bits of the output projection (lm_head, or the tied embedding) of an int4/int8 export: 4 or 8. Null: 8, which keeps
    /// its rounding off the logits (llama.cpp's Q4_0 keeps Q6_K there); 4 reads fewer bytes per token for less accuracy.
    /// </summary>
    public int? OutputBits { get; init; }

    /// <summary>Compute logits for the last position only: [batch, 1, vocab].</summary>
    public bool LastTokenLogitsOnly { get; init; }

    /// <summary>Write into a non-empty folder that is not an earlier export, beside its files (never replacing them).</summary>
    public bool Force { get; init; }

    /// <summary>
    /// int4/int8: MatMulNBits' accuracy_level, the precision its activations are computed in: 0 (as the activations,
    /// exact against the dequantized weights) to 4 (int8 per block, ONNX Runtime's fast CPU path). Null means 4.
    /// </summary>
    public int? AccuracyLevel { get; init; }

    /// <summary>Weights for <see cref="Config"/> supplied in code instead of a <see cref="SyntheticSeed"/>; the caller keeps ownership.</summary>
    public Models.Weights.IWeightSource? Weights { get; init; }

    /// <summary><see cref="Graph"/>, or the flavour the dtype needs when it is not given.</summary>
    public ExportGraph ResolvedGraph => Graph ?? (IsQuantized ? ExportGraph.Fused : ExportGraph.Portable);

    public bool IsQuantized => DType is ExportDType.Int4 or ExportDType.Int8;

    /// <summary>Longest past + new sequence the rotary tables cover; defaults to max_position_embeddings.</summary>
    public int? MaxSequenceLength { get; init; }

    public long InlineWeightLimit { get; init; } = DefaultInlineWeightLimit;

    /// <summary>"fp32", "fp16", "bf16", "int8" or "int4" (case-insensitive) → <see cref="ExportDType"/>.</summary>
    public static ExportDType ParseDType(string text) => text.ToLowerInvariant() switch
    {
        "fp32" or "float32" => ExportDType.Fp32,
        "fp16" or "float16" => ExportDType.Fp16,
        "bf16" or "bfloat16" => ExportDType.Bf16,
        "int8" => ExportDType.Int8,
        "int4" => ExportDType.Int4,
        _ => throw new Qwen3OnnxException($"unsupported dtype '{text}' (supported: fp32, fp16, bf16, int8, int4)"),
    };

    /// <summary>"portable" or "fused" (case-insensitive) → <see cref="ExportGraph"/>.</summary>
    public static ExportGraph ParseGraph(string text) => text.ToLowerInvariant() switch
    {
        "portable" => ExportGraph.Portable,
        "fused" => ExportGraph.Fused,
        _ => throw new Qwen3OnnxException($"unsupported graph '{text}' (supported: portable, fused)"),
    };

    /// <summary>Throws <see cref="Qwen3OnnxException"/> naming the first inconsistent option.</summary>
    public ExportOptions Validate()
    {
        int sources = (SourceFolder is null ? 0 : 1) + (Preset is null ? 0 : 1) + (Config is null ? 0 : 1);
        if (sources != 1)
        {
            throw new Qwen3OnnxException("export: give exactly one of a source folder, a preset name or a config");
        }

        if (Preset is not null && SyntheticSeed is null)
        {
            throw new Qwen3OnnxException($"export: preset '{Preset}' has no weights yet; use synthetic weights");
        }

        if (Config is not null && (SyntheticSeed is null) == (Weights is null))
        {
            throw new Qwen3OnnxException("export: a config given in code needs either synthetic weights (a seed) or a weight source, not both");
        }

        if (Weights is not null && Config is null)
        {
            throw new Qwen3OnnxException("export: a weight source given in code needs its config");
        }

        if (AccuracyLevel is { } level && (!IsQuantized || level is < 0 or > 4))
        {
            throw new Qwen3OnnxException($"export: accuracy level is 0 to 4 and only for int4/int8 weights, got {level} with dtype {DType}");
        }

        if (string.IsNullOrWhiteSpace(OutputFolder))
        {
            throw new Qwen3OnnxException("export: output folder is empty");
        }

        if (MaxSequenceLength is <= 0)
        {
            throw new Qwen3OnnxException($"export: max sequence length must be positive (got {MaxSequenceLength})");
        }

        if (IsQuantized && ResolvedGraph == ExportGraph.Portable)
        {
            throw new Qwen3OnnxException($"export: dtype {DType} needs the fused graph (MatMulNBits), not portable");
        }

        if (Activations is { } activations && (activations is ExportDType.Int4 or ExportDType.Int8 || (!IsQuantized && activations != DType)))
        {
            throw new Qwen3OnnxException($"export: activations {activations} are only chosen for int4/int8 weights, as fp32, fp16 or bf16 (dtype is {DType})");
        }

        if (OutputBits is { } bits && (!IsQuantized || bits is not (4 or 8) || (DType == ExportDType.Int8 && bits != 8)))
        {
            throw new Qwen3OnnxException($"export: output bits are 4 or 8 for int4 weights (8 for int8), got {bits} with dtype {DType}");
        }

        if (BlockSize is < 16 or > 256 || (BlockSize & (BlockSize - 1)) != 0)
        {
            throw new Qwen3OnnxException($"export: block size must be a power of two from 16 to 256 (got {BlockSize})");
        }

        return this;
    }
}
