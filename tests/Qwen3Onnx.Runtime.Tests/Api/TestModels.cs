using System.Collections.Concurrent;
using Qwen3Onnx.Demo;
using Qwen3Onnx.Export;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Runtime.Tokenization;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Api;

/// <summary>Exports each test model once per test run into a temp folder shared by the tests of this assembly.</summary>
[TestClass]
public sealed class TestModels
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"qwen3onnx-runtime-tests-{Environment.ProcessId}");
    private static readonly ConcurrentDictionary<string, Lazy<string>> Exports = new();

    /// <summary>A shared fixture (no tokenizer: ids only).</summary>
    public static string Fixture(string name) =>
        Get(name, folder => Qwen3Exporter.Export(new ExportOptions { SourceFolder = SharedFixtures.Model(name), OutputFolder = folder }));

    /// <summary>A shared fixture exported as the fused (ONNX Runtime contrib ops) float32 graph.</summary>
    public static string FusedFixture(string name) =>
        Get($"{name}-fused", folder => Qwen3Exporter.Export(new ExportOptions { SourceFolder = SharedFixtures.Model(name), OutputFolder = folder, Graph = ExportGraph.Fused }));

    /// <summary>A fixture exported with int4 weights and float16 activations, as for a GPU.</summary>
    public static string Int4HalfFixture(string name) =>
        Get($"{name}-int4-fp16", folder => Qwen3Exporter.Export(new ExportOptions
        {
            SourceFolder = SharedFixtures.Model(name),
            OutputFolder = folder,
            DType = ExportDType.Int4,
            Activations = ExportDType.Fp16,
        }));

    /// <summary>
    /// A tiny random-weight model with the 1024-token demo tokenizer (eos: &lt;|im_end|&gt;, &lt;|endoftext|&gt;) that samples
    /// by default, like the CLI's demo model (greedy decoding of random weights repeats one token).
    /// </summary>
    public static string Demo => Get("demo", folder =>
    {
        Export(SmallConfig(DemoTokenizerFiles.VocabularySize, [DemoTokenizerFiles.BaseVocabularySize + 2, DemoTokenizerFiles.BaseVocabularySize]), folder);
        DemoTokenizerFiles.Write(folder);
        var manifest = ExportManifest.ReadFolder(folder) with { Generation = new GenerationDefaults { DoSample = true, Temperature = 0.6, TopK = 20, TopP = 0.95 } };
        File.WriteAllText(Path.Combine(folder, ExportManifest.FileName), manifest.ToJson());
    });

    /// <summary>A tiny random-weight model over Qwen3's full 151936-id vocabulary with the real tokenizer.</summary>
    public static string RealVocabulary => Get("real-vocabulary", folder =>
    {
        Export(SmallConfig(151936, [151645, 151643]) with { HiddenSize = 32, HeadDim = 16, IntermediateSize = 64 }, folder);
        foreach (string file in new[] { Qwen3Tokenizer.TokenizerFileName, Qwen3Tokenizer.ConfigFileName })
        {
            File.Copy(Path.Combine(RealTokenizer.Folder, file), Path.Combine(folder, file));
        }
    });

    [AssemblyCleanup]
    public static void DeleteExports()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private static Qwen3Config SmallConfig(int vocabulary, IReadOnlyList<int> eos) => new()
    {
        VocabSize = vocabulary,
        HiddenSize = 64,
        IntermediateSize = 128,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        HeadDim = 32,
        MaxPositionEmbeddings = 512,
        TieWordEmbeddings = true,
        EosTokenIds = eos,
    };

    private static void Export(Qwen3Config config, string folder) =>
        Qwen3Exporter.Export(new ExportOptions { Config = config, SyntheticSeed = 3, OutputFolder = folder });

    private static string Get(string name, Action<string> create) =>
        Exports.GetOrAdd(name, key => new Lazy<string>(() =>
        {
            string folder = Path.Combine(Root, key);
            create(folder);
            return folder;
        })).Value;
}
