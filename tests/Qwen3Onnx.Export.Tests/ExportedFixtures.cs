using System.Collections.Concurrent;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests;

/// <summary>Exports each fixture once per dtype into a temp folder shared by the tests of this assembly.</summary>
[TestClass]
public sealed class ExportedFixtures
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"qwen3onnx-export-tests-{Environment.ProcessId}");
    private static readonly ConcurrentDictionary<(string, ExportDType), Lazy<string>> Exports = new();

    public static string Folder(string model, ExportDType dtype = ExportDType.Fp32) =>
        Exports.GetOrAdd((model, dtype), key => new Lazy<string>(() => Export(key.Item1, key.Item2))).Value;

    public static string TempFolder(string name) => Path.Combine(Root, $"{name}-{Guid.NewGuid():N}");

    [AssemblyCleanup]
    public static void DeleteExports()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private static string Export(string model, ExportDType dtype)
    {
        string output = Path.Combine(Root, $"{model}-{dtype}");
        Qwen3Exporter.Export(new ExportOptions { SourceFolder = SharedFixtures.Model(model), OutputFolder = output, DType = dtype });
        return output;
    }
}
