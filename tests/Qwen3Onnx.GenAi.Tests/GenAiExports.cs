using System.Collections.Concurrent;
using Qwen3Onnx.Export;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.GenAi.Tests;

/// <summary>Each fixture exported once per flavour into a temp folder shared by this assembly's tests.</summary>
[TestClass]
public sealed class GenAiExports
{
    /// <summary>The float flavours, which must reproduce transformers' greedy ids.</summary>
    public static readonly IReadOnlyList<string> FloatFlavours = ["portable-fp32", "fused-fp32", "portable-fp16", "fused-fp16", "fused-fp32-last-token"];

    /// <summary>The block-quantized flavours, which must reproduce our runtime on the same file.</summary>
    public static readonly IReadOnlyList<string> QuantizedFlavours = ["int4", "int8", "int4-fp16"];

    /// <summary>The shared fixtures and the generated YaRN one (head_dim 32, plain and YaRN RoPE, tied and untied, dense and MoE).</summary>
    public static readonly IReadOnlyList<string> Fixtures = [.. SharedFixtures.ModelNames, "tiny-qwen3-yarn"];

    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"qwen3onnx-genai-tests-{Environment.ProcessId}");
    private static readonly ConcurrentDictionary<(string, string), Lazy<(string Folder, ExportSummary Summary)>> Exports = new();

    public static string Source(string fixture) =>
        SharedFixtures.ModelNames.Contains(fixture) ? SharedFixtures.Model(fixture) : RepoFixtures.Model(fixture);

    public static string Folder(string fixture, string flavour) => Export(fixture, flavour).Folder;

    public static (string Folder, ExportSummary Summary) Export(string fixture, string flavour) =>
        Exports.GetOrAdd((fixture, flavour), key => new Lazy<(string, ExportSummary)>(() =>
        {
            string folder = Path.Combine(Root, $"{key.Item1}-{key.Item2}");
            return (folder, Qwen3Exporter.Export(Options(Source(key.Item1), folder, key.Item2)));
        })).Value;

    public static ExportOptions Options(string source, string folder, string flavour) => flavour switch
    {
        "portable-fp32" => new() { SourceFolder = source, OutputFolder = folder, Graph = ExportGraph.Portable },
        "fused-fp32" => new() { SourceFolder = source, OutputFolder = folder, Graph = ExportGraph.Fused },
        "portable-fp16" => new() { SourceFolder = source, OutputFolder = folder, Graph = ExportGraph.Portable, DType = ExportDType.Fp16 },
        "fused-fp16" => new() { SourceFolder = source, OutputFolder = folder, Graph = ExportGraph.Fused, DType = ExportDType.Fp16 },
        "fused-fp32-last-token" => new() { SourceFolder = source, OutputFolder = folder, Graph = ExportGraph.Fused, LastTokenLogitsOnly = true },
        "int4" => new() { SourceFolder = source, OutputFolder = folder, DType = ExportDType.Int4 },
        "int8" => new() { SourceFolder = source, OutputFolder = folder, DType = ExportDType.Int8 },
        "int4-fp16" => new() { SourceFolder = source, OutputFolder = folder, DType = ExportDType.Int4, Activations = ExportDType.Fp16 },
        _ => throw new ArgumentOutOfRangeException(nameof(flavour), flavour, "unknown flavour"),
    };

    public static string TempFolder(string name) => Path.Combine(Root, $"{name}-{Guid.NewGuid():N}");

    /// <summary>A writable temp copy of <paramref name="folder"/>'s files (a checkpoint to edit, or to add files to).</summary>
    public static string CopyOf(string folder, string name)
    {
        string copy = TempFolder(name);
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.EnumerateFiles(folder))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    [AssemblyCleanup]
    public static void DeleteExports()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
