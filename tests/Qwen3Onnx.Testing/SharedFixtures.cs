namespace Qwen3Onnx.Testing;

/// <summary>
/// Locates the read-only <c>shared/</c> folder that sits beside the checkout (<c>../shared</c>), or the
/// folder named by <c>QWEN3ONNX_SHARED</c>, by walking up from the test assembly.
/// </summary>
public static class SharedFixtures
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string SharedRoot => Root.Value;

    public static string ModelsRoot => Path.Combine(SharedRoot, "fixtures", "models");

    public static string TokenizerGoldens => Path.Combine(SharedRoot, "fixtures", "tokenizer", "expected.json");

    public static IReadOnlyList<string> ModelNames { get; } = ["tiny-qwen3", "tiny-qwen3-untied-sharded", "tiny-qwen3-moe"];

    public static string Model(string name) => Path.Combine(ModelsRoot, name);

    private static string FindRoot()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("QWEN3ONNX_SHARED");
        if (!string.IsNullOrEmpty(fromEnv) && Directory.Exists(Path.Combine(fromEnv, "fixtures")))
        {
            return fromEnv;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "fixtures", "models")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("shared/fixtures not found beside the checkout; set QWEN3ONNX_SHARED");
    }
}
