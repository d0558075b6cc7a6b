namespace Qwen3Onnx.Hub;

/// <summary>
/// The short Qwen3 model names the CLI accepts (<c>4B</c>, <c>30B-A3B-Instruct-2507</c>, …) and the
/// <c>Qwen/Qwen3-…</c> repository each one names.
/// </summary>
public static class QwenModelCatalog
{
    public const string Organization = "Qwen";

    private static readonly string[] Sizes = ["0.6B", "1.7B", "4B", "8B", "14B", "32B", "30B-A3B", "235B-A22B"];

    // Qwen published base checkpoints for these sizes only.
    private static readonly string[] BaseSizes = ["0.6B", "1.7B", "4B", "8B", "14B", "30B-A3B"];

    private static readonly string[] Variants2507 = ["4B", "30B-A3B", "235B-A22B"];

    private static readonly string[] CoderModels = ["Coder-30B-A3B-Instruct", "Coder-480B-A35B-Instruct"];

    /// <summary>Every known short name, in a stable order for error messages.</summary>
    public static IReadOnlyList<string> Names { get; } = BuildNames();

    /// <summary>The repository id for a short name (case-insensitive, with or without a <c>Qwen3-</c> prefix); null when unknown.</summary>
    public static string? TryGetRepoId(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string bare = name.StartsWith("Qwen3-", StringComparison.OrdinalIgnoreCase) ? name["Qwen3-".Length..] : name;
        string? known = Names.FirstOrDefault(n => string.Equals(n, bare, StringComparison.OrdinalIgnoreCase));
        return known is null ? null : $"{Organization}/Qwen3-{known}";
    }

    private static List<string> BuildNames()
    {
        var names = new List<string>(Sizes);
        names.AddRange(BaseSizes.Select(size => $"{size}-Base"));
        foreach (string size in Variants2507)
        {
            names.Add($"{size}-Instruct-2507");
            names.Add($"{size}-Thinking-2507");
        }

        names.AddRange(CoderModels);
        return names;
    }
}
