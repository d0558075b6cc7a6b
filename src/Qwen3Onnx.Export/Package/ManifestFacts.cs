using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Package;

namespace Qwen3Onnx.Export.Package;

/// <summary>What the manifest records about one export.</summary>
internal sealed record ManifestFacts(
    Qwen3Config Config,
    string? SourceFolder,
    string SourceDescription,
    ExportDType DType,
    string Flavor,
    string? ExternalDataFile,
    int MaxSequenceLength,
    IReadOnlyList<string> TokenizerFiles)
{
    public bool LastTokenLogitsOnly { get; init; }

    /// <summary>The activation and KV-cache dtype (differs from <see cref="DType"/> only for int4/int8).</summary>
    public ExportDType Activations { get; init; } = ExportDType.Fp32;

    public WeightQuantization? Quantization { get; init; }
}
