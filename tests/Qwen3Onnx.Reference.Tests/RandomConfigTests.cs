using System.Text.Json;
using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Reference.Tests;

/// <summary>The reference on random small configs with synthetic weights: internal consistency, no NaN.</summary>
[TestClass]
public sealed class RandomConfigTests
{
    private const int ConfigCount = 20;
    private const float Tolerance = 1e-4f;

    [TestMethod]
    public void RandomConfigsCoverTheShapesTheGraphMustHandle()
    {
        var configs = RandomConfigs.Draw(ConfigCount);

        Assert.IsTrue(configs.All(c => c.HeadDim * c.NumAttentionHeads != c.HiddenSize), "head_dim = hidden / heads somewhere");
        Assert.IsTrue(configs.Any(c => c.NumKeyValueHeads < c.NumAttentionHeads && c.NumKeyValueHeads > 1), "no grouped kv heads");
        Assert.IsTrue(configs.Any(c => c.NumKeyValueHeads == 1), "no single kv head");
        Assert.IsTrue(configs.Any(c => c.TieWordEmbeddings) && configs.Any(c => !c.TieWordEmbeddings), "tied and untied");
        Assert.IsTrue(configs.Any(c => c.IsMoe && c.NormTopkProb) && configs.Any(c => c.IsMoe && !c.NormTopkProb), "norm_topk_prob both ways");
        Assert.IsTrue(configs.Any(c => c.IsMoe && c.NumExpertsPerTok > 1), "no top-k above 1");
        Assert.IsTrue(configs.Any(c => c.IsMoe && Enumerable.Range(0, c.NumHiddenLayers).Any(l => !c.IsMoeLayer(l))), "no mixed dense/MoE model");
        Assert.IsTrue(configs.Any(c => c.RopeScaling.IsYarn), "no YaRN");
        Assert.IsTrue(configs.All(c => c.VocabSize <= 300 && c.HiddenSize <= 64 && c.NumHiddenLayers <= 3 && c.MaxPositionEmbeddings == 128));
    }

    [TestMethod]
    public void SameSeedGivesSameConfig()
    {
        string first = JsonSerializer.Serialize(RandomConfigs.FromSeed(7));
        string second = JsonSerializer.Serialize(RandomConfigs.FromSeed(7));
        string other = JsonSerializer.Serialize(RandomConfigs.FromSeed(8));

        Assert.AreEqual(first, second);
        Assert.AreNotEqual(first, other);
    }

    [TestMethod]
    public void KvCacheDecodingEqualsFullRecomputeOnRandomConfigs()
    {
        foreach (var (config, index) in RandomConfigs.Draw(ConfigCount).Select((c, i) => (c, i)))
        {
            using var weights = new SyntheticWeights(config, seed: (ulong)index + 1);
            var model = Qwen3ReferenceModel.Load(config, weights);
            var random = new Random(index);
            long[] prompt = Enumerable.Range(0, 6).Select(_ => (long)random.Next(config.VocabSize)).ToArray();
            var (ids, stepLogits) = Decoding.GreedyWithCache(model, prompt, steps: 4);
            for (int step = 0; step < ids.Length; step++)
            {
                var recomputed = Decoding.LastLogitsWithoutCache(model, [.. prompt, .. ids[..step]]);
                Assert.IsFalse(stepLogits[step].Any(float.IsNaN), $"NaN in config {index}, step {step}");
                Assert.IsLessThanOrEqualTo(Tolerance, Decoding.MaxAbsDifference(recomputed, stepLogits[step]), $"config {index}, step {step}");
            }
        }
    }

    [TestMethod]
    public void LeftPaddingDoesNotChangeARowsLogitsOnRandomConfigs()
    {
        foreach (var (config, index) in RandomConfigs.Draw(ConfigCount).Select((c, i) => (c, i)))
        {
            using var weights = new SyntheticWeights(config, seed: (ulong)index + 1);
            var model = Qwen3ReferenceModel.Load(config, weights);
            long[] prompt = [3 % config.VocabSize, 5 % config.VocabSize, 7 % config.VocabSize];
            long[] padded = [0, 0, .. prompt];
            long[] mask = [0, 0, 1, 1, 1];
            var alone = Decoding.LastLogitsWithoutCache(model, prompt);
            var batch = model.Forward([padded, [1, 2, 3, 4, 5]], [mask, Decoding.Ones(5)], [Decoding.PositionsFromMask(mask), Decoding.Range(0, 5)], model.CreateCache(2));

            Assert.IsFalse(batch.Values.Any(float.IsNaN), $"NaN in config {index}");
            Assert.IsLessThanOrEqualTo(Tolerance, Decoding.MaxAbsDifference(alone, batch.At(0, 4)), $"config {index}");
        }
    }
}
