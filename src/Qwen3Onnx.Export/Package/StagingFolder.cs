using Qwen3Onnx.Models;

namespace Qwen3Onnx.Export.Package;

/// <summary>
/// A temporary sibling of the output folder that everything is written into; <see cref="Commit"/> moves it into
/// place (replacing an earlier export), and disposing without committing deletes it, so no partial output remains.
/// </summary>
internal sealed class StagingFolder : IDisposable
{
    private readonly string _target;
    private bool _committed;

    private StagingFolder(string target, string path)
    {
        _target = target;
        Path = path;
    }

    public string Path { get; }

    public static StagingFolder Create(string outputFolder)
    {
        string target = System.IO.Path.GetFullPath(outputFolder);
        string parent = System.IO.Path.GetDirectoryName(target.TrimEnd(System.IO.Path.DirectorySeparatorChar))
            ?? throw new Qwen3OnnxException($"{outputFolder}: cannot export to a filesystem root");
        string name = System.IO.Path.GetFileName(target.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        string staging = System.IO.Path.Combine(parent, $".{name}.partial-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(parent);
            Directory.CreateDirectory(staging);
            File.WriteAllBytes(System.IO.Path.Combine(staging, ".probe"), []);
            File.Delete(System.IO.Path.Combine(staging, ".probe"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(staging);
            throw new Qwen3OnnxException($"{outputFolder}: output folder is not writable ({ex.Message})", ex);
        }

        return new StagingFolder(target, staging);
    }

    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    public void Commit()
    {
        string? previous = null;
        if (Directory.Exists(_target))
        {
            previous = $"{Path}.previous";
            Directory.Move(_target, previous);
        }

        Directory.Move(Path, _target);
        _committed = true;
        if (previous is not null)
        {
            TryDelete(previous);
        }
    }

    public void Dispose()
    {
        if (!_committed)
        {
            TryDelete(Path);
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
