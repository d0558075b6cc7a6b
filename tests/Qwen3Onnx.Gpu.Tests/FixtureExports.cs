using System.Collections.Concurrent;
using Qwen3Onnx.Export;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Gpu.Tests;

/// <summary>Exports each fixture once per dtype (fused graph) into a temp folder removed after the run.</summary>
[TestClass]
public sealed class FixtureExports
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"qwen3onnx-gpu-tests-{Environment.ProcessId}");
    private static readonly ConcurrentDictionary<(string, ExportDType, ExportDType?), Lazy<string>> Exports = new();

    public static string Fused(string model, ExportDType dtype, ExportDType? activations = null) =>
        Exports.GetOrAdd((model, dtype, activations), key => new Lazy<string>(() =>
        {
            string folder = Path.Combine(Root, $"{model}-{dtype}-{activations}");
            Qwen3Exporter.Export(new ExportOptions
            {
                SourceFolder = SharedFixtures.Model(model),
                OutputFolder = folder,
                DType = dtype,
                Activations = activations,
                Graph = ExportGraph.Fused,
            });
            return folder;
        })).Value;

    [AssemblyCleanup]
    public static void DeleteExports()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
