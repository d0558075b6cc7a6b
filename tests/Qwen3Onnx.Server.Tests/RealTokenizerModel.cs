using Qwen3Onnx.Export;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Server.Tests;

/// <summary>
/// A random-weight export with the real Qwen3 tokenizer (151936 ids, the real added tokens and template), for what
/// depends on the real vocabulary: constrained decoding over it, tool-call tags, the OpenAI SDKs end to end.
/// </summary>
internal static class RealTokenizerModel
{
    private static readonly Lazy<string> LazyFolder = new(Export);

    public static string Folder => LazyFolder.Value;

    public static ServerOptions Options() => new()
    {
        ModelFolder = Folder,
        Port = 0,
        MaxBatch = 8,
        MaxQueue = 16,
        BatchWindow = TimeSpan.FromMilliseconds(20),
    };

    private static string Export()
    {
        string root = Path.Combine(Path.GetTempPath(), $"qwen3onnx-real-{Guid.NewGuid():N}");
        string source = Path.Combine(root, "source");
        Directory.CreateDirectory(source);
        foreach (string file in Directory.GetFiles(RealTokenizer.Folder))
        {
            File.Copy(file, Path.Combine(source, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(source, "config.json"), """
            {"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "vocab_size": 151936, "hidden_size": 32,
             "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
             "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "max_position_embeddings": 2048, "tie_word_embeddings": true,
             "bos_token_id": 151643, "eos_token_id": [151645, 151643], "torch_dtype": "bfloat16"}
            """);
        string folder = Path.Combine(root, "real-qwen3");
        Qwen3Exporter.Export(new ExportOptions { SourceFolder = source, OutputFolder = folder, SyntheticSeed = 3 });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        return folder;
    }
}
