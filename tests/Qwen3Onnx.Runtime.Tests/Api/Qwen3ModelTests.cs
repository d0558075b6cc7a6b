using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Api;

[TestClass]
public sealed class Qwen3ModelTests
{
    private static readonly GenerationOptions Greedy16 = new() { MaxNewTokens = 16, Sampling = new SamplingOptions { Greedy = true } };

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void GreedyIdsMatchTransformersForEveryFixtureCase(string fixture)
    {
        using var model = Qwen3Model.Load(TestModels.Fixture(fixture));

        foreach (var testCase in FixtureGoldens.Load(fixture).Cases)
        {
            var result = model.Generate(testCase.PromptIds, Greedy16);

            CollectionAssert.AreEqual(testCase.GreedyNewIds, result.Ids.ToArray(), $"prompt of {testCase.PromptIds.Length} tokens");
            Assert.AreEqual(FinishReason.Length, result.FinishReason);
            Assert.AreEqual(testCase.PromptIds.Length, result.Usage.PromptTokens);
            Assert.AreEqual(16, result.Usage.NewTokens);
        }
    }

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void BatchOfLeftPaddedPromptsMatchesTransformers(string fixture)
    {
        var goldens = FixtureGoldens.Load(fixture);
        using var model = Qwen3Model.Load(TestModels.Fixture(fixture));

        var results = model.GenerateBatch([.. goldens.BatchPrompts], Greedy16 with { MaxNewTokens = goldens.BatchGreedyNewIds[0].Length });

        for (int row = 0; row < results.Count; row++)
        {
            CollectionAssert.AreEqual(goldens.BatchGreedyNewIds[row], results[row].Ids.ToArray(), $"row {row}");
        }
    }

    [TestMethod]
    public async Task StreamingWithoutATokenizerStillReportsTheGreedyIds()
    {
        var testCase = FixtureGoldens.Load("tiny-qwen3").Cases[1];
        using var model = Qwen3Model.Load(TestModels.Fixture("tiny-qwen3"));

        var deltas = await Collect(model.GenerateStreamingAsync(testCase.PromptIds, Greedy16));

        Assert.HasCount(1, deltas);
        CollectionAssert.AreEqual(testCase.GreedyNewIds, deltas[0].Result!.Ids.ToArray());
    }

    [TestMethod]
    public void TextPromptsWithoutATokenizerAreAClearError()
    {
        string folder = TestModels.Fixture("tiny-qwen3");
        using var model = Qwen3Model.Load(folder);

        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => model.Generate("hello"));

        Assert.AreEqual($"{folder}: the export has no tokenizer.json, so only token-id prompts work (re-export from a folder with the tokenizer files)", error.Message);
    }

    [TestMethod]
    public void APromptLongerThanTheContextIsAQwen3OnnxException()
    {
        using var model = Qwen3Model.Load(TestModels.Fixture("tiny-qwen3"));

        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => model.Generate(new int[300], Greedy16));

        Assert.AreEqual("prompt of 300 tokens does not fit the model's context of 256 tokens", error.Message);
    }

    [TestMethod]
    public void AnEmptyPromptIsAQwen3OnnxException()
    {
        using var model = Qwen3Model.Load(TestModels.Fixture("tiny-qwen3"));

        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => model.Generate(Array.Empty<int>(), Greedy16));

        Assert.AreEqual("a prompt needs at least one token", error.Message);
    }

    [TestMethod]
    public void StreamedTextEqualsTheFullTextWhenCharactersAreSplitAcrossTokens()
    {
        using var model = Qwen3Model.Load(TestModels.RealVocabulary);
        var tokenizer = model.Tokenizer!;
        var options = new GenerationOptions { MaxNewTokens = 200, Sampling = new SamplingOptions { Temperature = 1, Seed = 11 } };
        int[] prompt = tokenizer.Encode("日本語のテキスト 🙂");

        var streamed = Collect(model.GenerateStreamingAsync(prompt, options)).Result;
        var full = model.Generate(prompt, options);

        Assert.IsTrue(full.Ids.Any(id => tokenizer.Decode([id]).Contains('\uFFFD')), "no generated token ends inside a character; pick another seed");
        Assert.AreEqual(full.Text, string.Concat(streamed.Select(delta => delta.Text)));
        Assert.AreEqual(tokenizer.Decode(full.Ids.Where(id => !model.Manifest.EosTokenIds.Contains(id)).ToArray(), skipSpecialTokens: true).TrimStart('\n'), full.Text);
        CollectionAssert.AreEqual(full.Ids.ToArray(), streamed[^1].Result!.Ids.ToArray());
    }

    [TestMethod]
    public async Task CancellingAStreamAbortsTheGeneration()
    {
        using var model = Qwen3Model.Load(TestModels.Demo);
        using var cancellation = new CancellationTokenSource();
        int deltas = 0;

        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await foreach (var delta in model.GenerateStreamingAsync([1, 2, 3], new GenerationOptions { MaxNewTokens = 400 }, cancellation.Token))
            {
                deltas++;
                cancellation.Cancel();
            }
        });

        Assert.IsLessThan(400, deltas);
    }

    [TestMethod]
    public void TheModelIsUsableAfterACancelledGeneration()
    {
        var testCase = FixtureGoldens.Load("tiny-qwen3").Cases[2];
        using var model = Qwen3Model.Load(TestModels.Fixture("tiny-qwen3"));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsExactly<OperationCanceledException>(() => model.Generate(testCase.PromptIds, Greedy16, cancelled.Token));
        var result = model.Generate(testCase.PromptIds, Greedy16);

        CollectionAssert.AreEqual(testCase.GreedyNewIds, result.Ids.ToArray());
    }

    private static async Task<List<TextDelta>> Collect(IAsyncEnumerable<TextDelta> stream)
    {
        var deltas = new List<TextDelta>();
        await foreach (var delta in stream)
        {
            deltas.Add(delta);
        }

        return deltas;
    }
}
