using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Reference.Tests;

/// <summary>The reference against HF transformers' float32 outputs for the shared fixture models.</summary>
[TestClass]
public sealed class ReferenceModelGoldenTests
{
    private const float Tolerance = 1e-4f;
    private const int GreedySteps = 16;

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void FullPromptLogitsMatchTransformers(string modelName)
    {
        var (model, goldens) = Load(modelName);
        foreach (var golden in goldens.Cases)
        {
            long[] prompt = golden.PromptIds;
            var logits = model.Forward([prompt], [Decoding.Ones(prompt.Length)], [Decoding.Range(0, prompt.Length)], model.CreateCache(1));
            for (int t = 0; t < prompt.Length; t++)
            {
                float difference = Decoding.MaxAbsDifference(golden.Logits[t], logits.At(0, t));
                Assert.IsLessThanOrEqualTo(Tolerance, difference, $"{modelName}, prompt length {prompt.Length}, position {t}");
            }
        }
    }

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void GreedyContinuationWithKvCacheMatchesTransformers(string modelName)
    {
        var (model, goldens) = Load(modelName);
        foreach (var golden in goldens.Cases)
        {
            var (ids, _) = Decoding.GreedyWithCache(model, golden.PromptIds, GreedySteps);
            CollectionAssert.AreEqual(golden.GreedyNewIds, ids, $"{modelName}, prompt length {golden.PromptIds.Length}");
        }
    }

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void KvCacheDecodeLogitsEqualFullRecomputeAndTransformers(string modelName)
    {
        var (model, goldens) = Load(modelName);
        foreach (var golden in goldens.Cases)
        {
            var (ids, stepLogits) = Decoding.GreedyWithCache(model, golden.PromptIds, GreedySteps);
            for (int step = 0; step < GreedySteps; step++)
            {
                long[] seen = [.. golden.PromptIds, .. ids[..step]];
                string where = $"{modelName}, prompt length {golden.PromptIds.Length}, step {step}";
                float recomputeDifference = Decoding.MaxAbsDifference(Decoding.LastLogitsWithoutCache(model, seen), stepLogits[step]);
                Assert.IsLessThanOrEqualTo(Tolerance, recomputeDifference, $"cache vs recompute: {where}");
                float goldenDifference = Decoding.MaxAbsDifference(golden.GreedyStepLogits[step], stepLogits[step]);
                Assert.IsLessThanOrEqualTo(Tolerance, goldenDifference, $"cache vs transformers: {where}");
            }
        }
    }

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void LeftPaddedBatchDecodesLikeTransformers(string modelName)
    {
        var (model, goldens) = Load(modelName);
        var batch = goldens.BatchedLeftPadded;
        int rows = batch.InputIds.Length;
        int steps = batch.GreedyNewIds[0].Length;
        var mask = batch.AttentionMask.Select(m => m.ToArray()).ToArray();
        var cache = model.CreateCache(rows);
        var logits = model.Forward(batch.InputIds, mask, mask.Select(Decoding.PositionsFromMask).ToArray(), cache);
        var generated = Enumerable.Range(0, rows).Select(_ => new long[steps]).ToArray();
        for (int step = 0; step < steps; step++)
        {
            var next = new long[rows][];
            var positions = new long[rows][];
            for (int r = 0; r < rows; r++)
            {
                generated[r][step] = logits.ArgMax(r, logits.Sequence - 1);
                next[r] = [generated[r][step]];
                mask[r] = [.. mask[r], 1];
                positions[r] = [Decoding.PositionsFromMask(mask[r])[^1]];
            }

            logits = model.Forward(next, mask, positions, cache);
        }

        for (int r = 0; r < rows; r++)
        {
            CollectionAssert.AreEqual(batch.GreedyNewIds[r], generated[r], $"{modelName}, batch row {r}");
        }
    }

    private static (Qwen3ReferenceModel Model, ModelGoldens Goldens) Load(string modelName)
    {
        string folder = SharedFixtures.Model(modelName);
        var config = Qwen3ConfigReader.ReadFile(Path.Combine(folder, "config.json"));
        using var weights = Checkpoint.Open(folder);
        return (Qwen3ReferenceModel.Load(config, weights), ModelGoldens.Read(folder));
    }
}
