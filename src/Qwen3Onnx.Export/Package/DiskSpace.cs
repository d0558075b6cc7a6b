using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Export.Package;

/// <summary>
/// The free-space check before an export: a full disk found at layer 30 costs the user the whole run, so an export
/// that cannot fit is refused before the first tensor. The estimate is a lower bound (every weight at its stored
/// width, no scales, graph or padding), so the check never refuses an export that would fit.
/// </summary>
internal static class DiskSpace
{
    /// <summary>Bytes the export will write at least: every weight at the width <paramref name="dtype"/> stores it.</summary>
    public static long LowerBound(Qwen3Config config, ExportDType dtype)
    {
        long parameters = Qwen3WeightNames.ParameterCount(config);
        return dtype switch
        {
            ExportDType.Fp32 => parameters * 4,
            ExportDType.Fp16 or ExportDType.Bf16 => parameters * 2,
            ExportDType.Int8 => parameters,
            _ => parameters / 2,
        };
    }

    /// <param name="available">Free bytes where a path lives (tests stand in for the file system).</param>
    public static void Require(string outputFolder, long bytes, Func<string, long>? available = null)
    {
        string existing = ExistingAncestor(Path.GetFullPath(outputFolder));
        long free = (available ?? Available)(existing);
        if (free < bytes)
        {
            throw new Qwen3OnnxException(
                $"{outputFolder}: the export needs at least {Gigabytes(bytes)} and only {Gigabytes(free)} is free there; free some space or choose another --out");
        }
    }

    private static long Available(string path) => new DriveInfo(path).AvailableFreeSpace;

    private static string ExistingAncestor(string path)
    {
        for (string? folder = path; folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (Directory.Exists(folder))
            {
                return folder;
            }
        }

        return Path.GetPathRoot(path) ?? path;
    }

    private static string Gigabytes(long bytes) => $"{bytes / 1e9:0.00} GB";
}
