using System.Text.RegularExpressions;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Hub;

/// <summary>What a <c>--model</c> argument names: a local checkpoint folder or a hub repository.</summary>
public sealed partial record ModelSource
{
    private ModelSource(string? localFolder, string? repoId)
    {
        LocalFolder = localFolder;
        RepoId = repoId;
    }

    /// <summary>The full path of an existing folder, or null when the model lives on the hub.</summary>
    public string? LocalFolder { get; }

    /// <summary>The hub repository id (<c>org/name</c>), or null for a local folder.</summary>
    public string? RepoId { get; }

    /// <summary>
    /// An existing folder wins, then a known short name (<see cref="QwenModelCatalog"/>), then an <c>org/name</c> id;
    /// anything else is an error that lists the known names.
    /// </summary>
    /// <summary>A <c>--model</c> that names a file is a mistake worth saying plainly, before "not found" or a preset lookup.</summary>
    public static void RefuseFile(string model)
    {
        if (File.Exists(model))
        {
            throw new Qwen3OnnxException($"--model '{model}' is a file; give the checkpoint folder that holds config.json and the *.safetensors files");
        }
    }

    public static ModelSource Parse(string model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new Qwen3OnnxException("--model is empty: give a short name such as 4B, an org/name repo id or a folder");
        }

        if (Directory.Exists(model))
        {
            return new ModelSource(Path.GetFullPath(model), null);
        }

        RefuseFile(model);
        if (LooksLikePath(model))
        {
            throw new Qwen3OnnxException($"model folder '{model}' does not exist");
        }

        if (QwenModelCatalog.TryGetRepoId(model) is { } repoId)
        {
            return new ModelSource(null, repoId);
        }

        if (RepoIdPattern().IsMatch(model) && !model.Contains("--", StringComparison.Ordinal) && !model.Contains("..", StringComparison.Ordinal))
        {
            return new ModelSource(null, model);
        }

        throw new Qwen3OnnxException(
            $"unknown model '{model}'; known names: {string.Join(", ", QwenModelCatalog.Names)} (or an org/name repo id, or a local folder)");
    }

    private static bool LooksLikePath(string model) =>
        Path.IsPathRooted(model) || model.StartsWith('.') || model.StartsWith('~') || model.Contains('\\')
        || model.Count(c => c == '/') > 1;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex RepoIdPattern();
}
