using System.Text.Json;
using Microsoft.ML.OnnxRuntimeGenAI;
using Qwen3Onnx.Export;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Runtime;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.GenAi.Tests;

/// <summary>
/// A checkpoint with the real Qwen3 tokenizer (151,936 ids, so Qwen's end ids lie inside the vocabulary) exported with
/// synthetic weights: GenAI's own tokenizer reads the copied files as transformers does, and its loop stops where ours does.
/// </summary>
[TestClass]
public sealed class GenAiTokenizerTests
{
    private const int FirstSpecialId = 151643;

    private static readonly Lazy<(string Folder, ExportSummary Summary)> Export = new(ExportWithRealTokenizer);

    [TestMethod]
    public void GenAisTokenizerEncodesAndDecodesLikeTransformers()
    {
        using var model = new Model(Export.Value.Folder);
        using var tokenizer = new Tokenizer(model);
        using var goldens = JsonDocument.Parse(File.ReadAllBytes(SharedFixtures.TokenizerGoldens));

        foreach (var golden in goldens.RootElement.GetProperty("encodings").EnumerateArray())
        {
            string text = golden.GetProperty("text").GetString()!;
            int[] expected = [.. golden.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())];
            using var sequences = tokenizer.Encode(text);

            CollectionAssert.AreEqual(expected, sequences[0].ToArray(), text);
            if (expected.All(id => id < FirstSpecialId))
            {
                // GenAI's decode drops special tokens (transformers' skip_special_tokens); the goldens keep them.
                Assert.AreEqual(golden.GetProperty("decoded").GetString(), tokenizer.Decode(expected), text);
            }
        }
    }

    [TestMethod]
    public void QwensEndIdsAreWrittenWithoutAWarning()
    {
        var (folder, summary) = Export.Value;
        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "genai_config.json")));
        var model = config.RootElement.GetProperty("model");

        Assert.IsEmpty(summary.Warnings);
        CollectionAssert.AreEqual(new[] { 151645, 151643 }, model.GetProperty("eos_token_id").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.AreEqual(151645, model.GetProperty("pad_token_id").GetInt32());
    }

    [TestMethod]
    public void AChatPromptEncodedByGenAiDecodesAsInOurRuntime()
    {
        string folder = Export.Value.Folder;
        using var ours = Qwen3Model.Load(folder);
        int[] prompt = ours.EncodePrompt("Give me a short introduction to large language models.");
        using var model = new Model(folder);
        using var tokenizer = new Tokenizer(model);
        string chat = ours.Tokenizer!.Decode(prompt);
        using var encoded = tokenizer.Encode(chat);
        CollectionAssert.AreEqual(prompt, encoded[0].ToArray(), "GenAI's tokenizer on the chat template's text");

        var ids = GenAiGreedy.Generate(folder, [prompt], 24)[0];
        var expected = ours.Generate(prompt, new GenerationOptions { MaxNewTokens = 24, Sampling = new SamplingOptions { Greedy = true } });

        CollectionAssert.AreEqual(GenAiGreedy.UpToStop(expected.Ids, GenAiGreedy.StopIds(folder)), ids);
    }

    private static (string, ExportSummary) ExportWithRealTokenizer()
    {
        string source = GenAiExports.CopyOf(RealTokenizer.Folder, "real-tokenizer-source");
        File.WriteAllText(Path.Combine(source, "config.json"), """
            {"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "vocab_size": 151936, "hidden_size": 32,
             "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
             "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "max_position_embeddings": 512, "tie_word_embeddings": true,
             "bos_token_id": 151643, "eos_token_id": [151645, 151643], "torch_dtype": "bfloat16"}
            """);
        string folder = GenAiExports.TempFolder("real-tokenizer");
        var summary = Qwen3Exporter.Export(new ExportOptions { SourceFolder = source, OutputFolder = folder, SyntheticSeed = 7, Graph = ExportGraph.Fused });
        return (folder, summary);
    }
}
