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

    public WeightQuantization? Quantization { get; init; }
}
