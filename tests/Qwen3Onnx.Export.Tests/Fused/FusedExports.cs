using System.Collections.Concurrent;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests.Fused;

/// <summary>Exports each fixture once per (dtype, graph, last-token) variant, under the folder <see cref="ExportedFixtures"/> cleans up.</summary>
internal static class FusedExports
{
    private static readonly ConcurrentDictionary<Variant, Lazy<string>> Exports = new();

    public static string Folder(string model, ExportDType dtype = ExportDType.Fp32, bool lastTokenLogitsOnly = false, int blockSize = ExportOptions.DefaultBlockSize) =>
        Exports.GetOrAdd(new Variant(model, dtype, lastTokenLogitsOnly, blockSize), key => new Lazy<string>(() => Export(key))).Value;

    private static string Export(Variant variant)
    {
        string output = ExportedFixtures.TempFolder($"{variant.Model}-fused-{variant.DType}-b{variant.BlockSize}{(variant.LastTokenLogitsOnly ? "-last" : "")}");
        Qwen3Exporter.Export(new ExportOptions
        {
            SourceFolder = SharedFixtures.Model(variant.Model),
            OutputFolder = output,
            DType = variant.DType,
            Graph = ExportGraph.Fused,
            LastTokenLogitsOnly = variant.LastTokenLogitsOnly,
            BlockSize = variant.BlockSize,
        });
        return output;
    }

    private sealed record Variant(string Model, ExportDType DType, bool LastTokenLogitsOnly, int BlockSize);
}
