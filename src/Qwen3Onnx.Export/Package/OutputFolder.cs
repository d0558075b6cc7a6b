using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Package;

namespace Qwen3Onnx.Export.Package;

/// <summary>
/// Which files of the output folder an export may replace. It writes only into a folder that is absent, empty or an
/// earlier export of ours (recognised by its manifest), and replaces only the files that export wrote; everything else
/// in the folder is the user's and stays. <c>force</c> allows a folder of other files but never touches them.
/// </summary>
internal static class OutputFolder
{
    /// <summary>Checks the folder before any work; returns the files of an earlier export there (empty if none).</summary>
    public static IReadOnlySet<string> Check(string outputFolder, bool force)
    {
        string target = Path.GetFullPath(outputFolder);
        if (File.Exists(target))
        {
            throw new Qwen3OnnxException($"{outputFolder}: --out names a file, not a folder");
        }

        if (!Directory.Exists(target) || !Directory.EnumerateFileSystemEntries(target).Any())
        {
            return new HashSet<string>();
        }

        var owned = EarlierExport(target);
        if (owned is null && !force)
        {
            throw new Qwen3OnnxException(
                $"{outputFolder}: not empty and not an earlier qwen3-onnx export; choose an empty or new folder, or add --force to write beside its files (none of them is replaced or deleted)");
        }

        owned ??= new HashSet<string>();
        var ours = WrittenNames();
        var clash = Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName).OfType<string>()
            .FirstOrDefault(name => ours.Contains(name) && !owned.Contains(name));
        if (clash is not null)
        {
            throw new Qwen3OnnxException($"{Path.Combine(outputFolder, clash)}: exists and was not written by an export; move it or choose another --out");
        }

        return owned;
    }

    /// <summary>Moves the staged files into the target, then deletes the earlier export's files this one did not write.</summary>
    public static void Commit(string staging, string target, IReadOnlySet<string> earlier)
    {
        Directory.CreateDirectory(target);

        // The manifest goes last: a folder whose manifest is there holds a complete export.
        var staged = Directory.EnumerateFiles(staging).OrderBy(f => Path.GetFileName(f) == ExportManifest.FileName).ToList();
        foreach (string file in staged)
        {
            File.Move(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        var written = staged.Select(Path.GetFileName).ToHashSet();
        foreach (string name in earlier.Where(n => !written.Contains(n)))
        {
            File.Delete(Path.Combine(target, name));
        }
    }

    /// <summary>Every name an export can write.</summary>
    private static HashSet<string> WrittenNames() =>
        [Qwen3Exporter.ModelFileName, Qwen3Exporter.DataFileName, ExportManifest.FileName, GenAiConfig.FileName, .. PackageFiles.TokenizerFileNames];

    private static HashSet<string>? EarlierExport(string target)
    {
        string manifestPath = Path.Combine(target, ExportManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            return null;
        }

        var manifest = ExportManifest.FromJson(File.ReadAllText(manifestPath), manifestPath);
        HashSet<string> owned = [ExportManifest.FileName, manifest.ModelFile, .. manifest.TokenizerFiles];
        if (manifest.ExternalDataFile is { } data)
        {
            owned.Add(data);
        }

        // Exports before genai_config.json did not list it; one beside them was written by hand and stays the user's.
        if (manifest.GenAiConfigFile is { } genAi)
        {
            owned.Add(genAi);
        }

        return [.. owned.Where(name => File.Exists(Path.Combine(target, name)))];
    }
}
