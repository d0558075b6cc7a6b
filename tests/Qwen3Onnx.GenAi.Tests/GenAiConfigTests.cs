using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntimeGenAI;
using Qwen3Onnx.Export;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Runtime;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.GenAi.Tests;

/// <summary>What the exporter writes into genai_config.json, and what GenAI does with it.</summary>
[TestClass]
public sealed class GenAiConfigTests
{
    [TestMethod]
    [DataRow("portable-fp32", false)]
    [DataRow("portable-fp16", false)]
    [DataRow("fused-fp32", true)]
    [DataRow("fused-fp16", true)]
    [DataRow("int4", true)]
    [DataRow("int8", true)]
    public void OnlyTheFusedGraphsShareThePastAndPresentBuffer(string flavour, bool shared)
    {
        var config = Config(GenAiExports.Folder("tiny-qwen3-moe", flavour));

        Assert.AreEqual(shared, config["search"]!["past_present_share_buffer"]!.GetValue<bool>());
    }

    [TestMethod]
    public void SizesAndSearchDefaultsComeFromTheCheckpoint()
    {
        var config = Config(GenAiExports.Folder("tiny-qwen3-untied-sharded", "fused-fp32"));
        var model = config["model"]!;
        var decoder = model["decoder"]!;
        var search = config["search"]!;

        Assert.AreEqual("qwen3", model["type"]!.GetValue<string>());
        Assert.AreEqual(512, model["vocab_size"]!.GetValue<int>());
        Assert.AreEqual(256, model["context_length"]!.GetValue<int>());
        Assert.AreEqual(16, decoder["head_size"]!.GetValue<int>(), "head_dim, not hidden / heads");
        Assert.AreEqual(64, decoder["hidden_size"]!.GetValue<int>());
        Assert.AreEqual(4, decoder["num_attention_heads"]!.GetValue<int>());
        Assert.AreEqual(1, decoder["num_key_value_heads"]!.GetValue<int>());
        Assert.AreEqual(3, decoder["num_hidden_layers"]!.GetValue<int>());
        Assert.IsTrue(search["do_sample"]!.GetValue<bool>());
        Assert.AreEqual(0.6, search["temperature"]!.GetValue<double>());
        Assert.AreEqual(20, search["top_k"]!.GetValue<int>());
        Assert.AreEqual(0.95, search["top_p"]!.GetValue<double>());
    }

    /// <summary>GenAI refuses ids outside the vocabulary, and with no end id at all it ends a sequence at its pad id.</summary>
    [TestMethod]
    public void OutOfRangeEosIdsAreLeftOutWithAWarningNamingThePadIdGenAiStopsAt()
    {
        var (folder, summary) = GenAiExports.Export("tiny-qwen3", "fused-fp32");
        var model = Config(folder)["model"]!;

        Assert.HasCount(1, summary.Warnings);
        StringAssert.Contains(summary.Warnings[0], "eos_token_id 151645, 151643");
        StringAssert.Contains(summary.Warnings[0], "pad_token_id 0");
        Assert.IsEmpty(model["eos_token_id"]!.AsArray());
        Assert.AreEqual(0, model["pad_token_id"]!.GetValue<int>());
        using var loaded = new Model(folder);
        Assert.AreEqual("qwen3", loaded.GetModelType());
    }

    [TestMethod]
    [DataRow("portable-fp32")]
    [DataRow("fused-fp32")]
    [DataRow("int4")]
    public void InRangeEosIdsAreWrittenAndGenAiStopsAtThemLikeOurRuntime(string flavour)
    {
        var testCase = FixtureGoldens.Load("tiny-qwen3-moe").Cases[2];
        int stop = testCase.GreedyNewIds[3];
        string source = CopyOfFixture("tiny-qwen3-moe", generation => generation["eos_token_id"] = new JsonArray(stop, 600));
        string folder = GenAiExports.TempFolder($"eos-{flavour}");
        var summary = Qwen3Exporter.Export(GenAiExports.Options(source, folder, flavour));
        using var ours = Qwen3Model.Load(folder);

        var ids = GenAiGreedy.Generate(folder, [testCase.PromptIds], 16)[0];
        var expected = ours.Generate(testCase.PromptIds, new GenerationOptions { MaxNewTokens = 16, Sampling = new SamplingOptions { Greedy = true } });

        CollectionAssert.AreEqual(new[] { stop }, Config(folder)["model"]!["eos_token_id"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray());
        Assert.HasCount(1, summary.Warnings, "only id 600 is outside the vocabulary");
        StringAssert.Contains(summary.Warnings[0], "eos_token_id 600");
        CollectionAssert.AreEqual(expected.Ids.ToArray(), ids);
        Assert.AreEqual(stop, ids[^1]);
        if (flavour != "int4")
        {
            CollectionAssert.AreEqual(GenAiGreedy.UpToStop(testCase.GreedyNewIds, [stop]), ids, "transformers' ids up to the end id");
        }
    }

    [TestMethod]
    public void MinPIsLeftOutWithAWarningAndTheConfigStillLoads()
    {
        string source = CopyOfFixture("tiny-qwen3", generation => generation["min_p"] = 0.05);
        string folder = GenAiExports.TempFolder("min-p");

        var summary = Qwen3Exporter.Export(GenAiExports.Options(source, folder, "fused-fp32"));

        Assert.IsTrue(summary.Warnings.Any(w => w.Contains("min_p 0.05", StringComparison.Ordinal)), string.Join("; ", summary.Warnings));
        Assert.IsNull(Config(folder)["search"]!["min_p"]);
        using var loaded = new Model(folder);
    }

    /// <summary>bfloat16 runs only on CUDA, so its config names that provider (the run itself is a GPU test).</summary>
    [TestMethod]
    public void Bf16ExportsNameTheCudaProvider()
    {
        string folder = GenAiExports.TempFolder("bf16");
        var summary = Qwen3Exporter.Export(new ExportOptions { SourceFolder = SharedFixtures.Model("tiny-qwen3"), OutputFolder = folder, DType = ExportDType.Bf16, Graph = ExportGraph.Fused });

        var providers = Config(folder)["model"]!["decoder"]!["session_options"]!["provider_options"]!.AsArray();

        Assert.HasCount(1, providers);
        Assert.IsNotNull(providers[0]!["cuda"]);
        Assert.IsTrue(summary.Warnings.Any(w => w.Contains("CUDA only", StringComparison.Ordinal)), string.Join("; ", summary.Warnings));
        Assert.IsEmpty(Config(GenAiExports.Folder("tiny-qwen3", "fused-fp16"))["model"]!["decoder"]!["session_options"]!["provider_options"]!.AsArray());
    }

    [TestMethod]
    public void TheCheckpointsTokenizerFilesAndChatTemplateAreCopiedBesideTheModel()
    {
        string source = CopyOfFixture("tiny-qwen3", _ => { });
        foreach (string name in new[] { "tokenizer.json", "tokenizer_config.json", "chat_template.jinja" })
        {
            File.WriteAllText(Path.Combine(source, name), $"{{\"name\": \"{name}\"}}");
        }

        string folder = GenAiExports.TempFolder("tokenizer-files");
        Qwen3Exporter.Export(GenAiExports.Options(source, folder, "fused-fp32"));

        foreach (string name in new[] { "tokenizer.json", "tokenizer_config.json", "chat_template.jinja" })
        {
            Assert.AreEqual(File.ReadAllText(Path.Combine(source, name)), File.ReadAllText(Path.Combine(folder, name)), name);
        }
    }

    private static JsonNode Config(string folder) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "genai_config.json")))!;

    /// <summary>A writable copy of a fixture whose generation_config.json <paramref name="edit"/> changes.</summary>
    private static string CopyOfFixture(string fixture, Action<JsonObject> edit)
    {
        string copy = GenAiExports.CopyOf(SharedFixtures.Model(fixture), $"{fixture}-source");
        string generationPath = Path.Combine(copy, "generation_config.json");
        var generation = JsonNode.Parse(File.ReadAllText(generationPath))!.AsObject();
        edit(generation);
        File.WriteAllText(generationPath, generation.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return copy;
    }
}
