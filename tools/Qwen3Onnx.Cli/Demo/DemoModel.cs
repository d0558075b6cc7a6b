using Qwen3Onnx.Demo;
using Qwen3Onnx.Export;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Cli.Demo;

/// <summary>
/// The model <c>qwen3-onnx run</c> uses when no <c>--model</c> is given: a tiny Qwen3 with seeded random weights and the
/// demo tokenizer, exported once into the user cache (<c>$XDG_CACHE_HOME</c> or <c>~/.cache</c>, <c>qwen3onnx/demo-v1</c>).
/// It shows the whole pipeline working in seconds; its text is gibberish.
/// </summary>
internal static class DemoModel
{
    public const string Name = "demo-v1";
    public const string Prompt = "Tell me a short story about a robot who learns to paint.";

    private const ulong Seed = 1;

    public static string Folder
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string cache = string.IsNullOrEmpty(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
                : xdg;
            return Path.Combine(cache, "qwen3onnx", Name);
        }
    }

    public static Qwen3Config Config => new()
    {
        VocabSize = DemoTokenizerFiles.VocabularySize,
        HiddenSize = 64,
        IntermediateSize = 128,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        HeadDim = 32,
        MaxPositionEmbeddings = 2048,
        TieWordEmbeddings = true,
        // <|im_end|> and <|endoftext|> in the demo tokenizer (its added tokens follow the base vocabulary).
        EosTokenIds = [DemoTokenizerFiles.BaseVocabularySize + 2, DemoTokenizerFiles.BaseVocabularySize],
    };

    /// <summary>Builds the demo export unless the cache already has it; a half-built copy is never visible.</summary>
    public static string EnsureBuilt(TextWriter log) => EnsureBuilt(Folder, log);

    /// <summary>The same in another folder (tests).</summary>
    internal static string EnsureBuilt(string folder, TextWriter log)
    {
        if (File.Exists(Path.Combine(folder, ExportManifest.FileName)))
        {
            return folder;
        }

        log.WriteLine($"building the demo model in {folder} (once)…");
        string staging = $"{folder}.building-{Guid.NewGuid():N}";
        try
        {
            string export = Path.Combine(staging, Name);
            Qwen3Exporter.Export(new ExportOptions { Config = Config, SyntheticSeed = Seed, OutputFolder = export, MaxSequenceLength = Config.MaxPositionEmbeddings });
            DemoTokenizerFiles.Write(export);
            CompleteManifest(export);
            Publish(export, folder);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        return folder;
    }

    /// <summary>Records the tokenizer files and Qwen3's recommended thinking-mode sampling (random weights loop when greedy).</summary>
    private static void CompleteManifest(string export)
    {
        var manifest = ExportManifest.ReadFolder(export) with
        {
            TokenizerFiles = [Qwen3Tokenizer.TokenizerFileName, Qwen3Tokenizer.ConfigFileName],
            Generation = new GenerationDefaults { DoSample = true, Temperature = 0.6, TopK = 20, TopP = 0.95 },
        };
        File.WriteAllText(Path.Combine(export, ExportManifest.FileName), manifest.ToJson());
    }

    private static void Publish(string export, string folder)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        try
        {
            Directory.Move(export, folder);
        }
        catch (IOException) when (File.Exists(Path.Combine(folder, ExportManifest.FileName)))
        {
            // Another process published it first; theirs is identical.
        }
    }
}
