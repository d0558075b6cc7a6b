using Qwen3Onnx.Demo;
using Qwen3Onnx.Export;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Session;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Server.Tests;

/// <summary>
/// One tiny export (random weights, the demo tokenizer) shared by every test, plus a session to run the pieces
/// directly: what the server answers is compared with what the engine produces for it alone.
/// </summary>
[TestClass]
public static class DemoModel
{
    private static readonly Lock Gate = new();
    private static Qwen3Session? _session;

    public static string Folder { get; private set; } = "";

    public static Qwen3Tokenizer Tokenizer { get; private set; } = null!;

    public const int Context = 512;

    [AssemblyInitialize]
    public static void Export(TestContext context)
    {
        _ = context;
        Folder = Path.Combine(Path.GetTempPath(), $"qwen3onnx-serve-{Guid.NewGuid():N}", "demo-qwen3");
        var config = new Qwen3Config
        {
            VocabSize = DemoTokenizerFiles.VocabularySize,
            HiddenSize = 64,
            IntermediateSize = 128,
            NumHiddenLayers = 2,
            NumAttentionHeads = 4,
            NumKeyValueHeads = 2,
            HeadDim = 16,
            MaxPositionEmbeddings = Context,
            TieWordEmbeddings = true,
            EosTokenIds = [DemoTokenizerFiles.BaseVocabularySize + 2, DemoTokenizerFiles.BaseVocabularySize],
        };
        Qwen3Exporter.Export(new ExportOptions { Config = config, SyntheticSeed = 1, OutputFolder = Folder, MaxSequenceLength = Context });
        DemoTokenizerFiles.Write(Folder);
        Tokenizer = Qwen3Tokenizer.Load(Folder);
        _session = Qwen3Session.Open(Folder);
    }

    [AssemblyCleanup]
    public static void Cleanup()
    {
        _session?.Dispose();
        Directory.Delete(Path.GetDirectoryName(Folder)!, recursive: true);
    }

    /// <summary>The tokens the pieces produce for one prompt alone (end-of-sequence token included).</summary>
    public static IReadOnlyList<int> GenerateAlone(int[] prompt, SamplingOptions sampling, int maxTokens)
    {
        lock (Gate)
        {
            var request = new GenerationRequest { Prompts = [prompt], Sampling = sampling, MaxNewTokens = maxTokens };
            using var engine = new Qwen3Engine(_session!);
            return engine.GenerateAll(request).Ids[0];
        }
    }

    /// <summary>The text a client should see for these tokens (special tokens dropped).</summary>
    public static string VisibleText(IReadOnlyList<int> ids) => Tokenizer.Decode(ids, skipSpecialTokens: true);

    /// <summary>The answer a chat turn shows for plain-text tokens: the newlines that open it dropped, as HF's Qwen3 example strips them.</summary>
    public static string AnswerText(IReadOnlyList<int> ids) => VisibleText(ids).TrimStart('\n');

    public static ServerOptions Options(int maxBatch = 16, int maxQueue = 16) => new()
    {
        ModelFolder = Folder,
        Port = 0,
        MaxBatch = maxBatch,
        MaxQueue = maxQueue,
        BatchWindow = TimeSpan.FromMilliseconds(50),
    };
}
