using Qwen3Onnx.Models;

namespace Qwen3Onnx.Export.Package;

/// <summary>
/// A temporary sibling of the output folder that everything is written into; <see cref="Commit"/> moves its files
/// into place (replacing only an earlier export's files), and disposing deletes it, so no partial output remains.
/// Its name carries the owner's process id, so the next export to the same place reclaims those of dead processes.
/// </summary>
internal sealed class StagingFolder : IDisposable
{
    private readonly string _target;
    private readonly IReadOnlySet<string> _earlier;

    private StagingFolder(string target, string path, IReadOnlySet<string> earlier)
    {
        _target = target;
        _earlier = earlier;
        Path = path;
    }

    public string Path { get; }

    /// <param name="earlier">The files of an earlier export in the output folder (<see cref="OutputFolder.Check"/>).</param>
    public static StagingFolder Create(string outputFolder, IReadOnlySet<string> earlier)
    {
        string target = System.IO.Path.GetFullPath(outputFolder);
        string parent = System.IO.Path.GetDirectoryName(target.TrimEnd(System.IO.Path.DirectorySeparatorChar))
            ?? throw new Qwen3OnnxException($"{outputFolder}: cannot export to a filesystem root");
        string name = System.IO.Path.GetFileName(target.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        string staging = System.IO.Path.Combine(parent, $".{name}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(parent);
            ReclaimAbandoned(parent, name);
            Directory.CreateDirectory(staging);
            File.WriteAllBytes(System.IO.Path.Combine(staging, ".probe"), []);
            File.Delete(System.IO.Path.Combine(staging, ".probe"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(staging);
            throw new Qwen3OnnxException($"{outputFolder}: output folder is not writable ({ex.Message})", ex);
        }

        return new StagingFolder(target, staging, earlier);
    }

    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    public void Commit() => OutputFolder.Commit(Path, _target, _earlier);

    public void Dispose() => TryDelete(Path);

    /// <summary>Deletes staging folders beside the output whose process is gone (killed, or interrupted mid-export).</summary>
    private static void ReclaimAbandoned(string parent, string name)
    {
        string prefix = $".{name}.partial-";
        foreach (string folder in Directory.EnumerateDirectories(parent, prefix + "*"))
        {
            string rest = System.IO.Path.GetFileName(folder)[prefix.Length..];
            int dash = rest.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(rest[..dash], out int pid) && !IsRunning(pid))
            {
                TryDelete(folder);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
