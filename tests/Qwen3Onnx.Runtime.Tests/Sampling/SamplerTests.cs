using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Runtime.Tests.Sampling;

[TestClass]
public sealed class SamplerTests
{
    private const int Vocab = 1000;

    [TestMethod]
    public void SameSeedGivesSameTokens()
    {
        var options = new SamplingOptions { Seed = 42, Temperature = 1.5f };
        var logits = NoisyLogits(Vocab, seed: 1, scale: 1.0);

        CollectionAssert.AreEqual(Draw(new Sampler(options, Vocab), logits, 300), Draw(new Sampler(options, Vocab), logits, 300));
    }

    [TestMethod]
    public void DifferentSeedsGiveDifferentTokens()
    {
        var logits = NoisyLogits(Vocab, seed: 1, scale: 1.0);

        CollectionAssert.AreNotEqual(
            Draw(new Sampler(new SamplingOptions { Seed = 1 }, Vocab), logits, 300),
            Draw(new Sampler(new SamplingOptions { Seed = 2 }, Vocab), logits, 300));
    }

    [TestMethod]
    public void ResetRewindsAFixedSeed()
    {
        var sampler = new Sampler(new SamplingOptions { Seed = 7, TopK = 50 }, Vocab);
        var logits = NoisyLogits(Vocab, seed: 2, scale: 1.0);
        var first = Draw(sampler, logits, 100);

        sampler.Reset([]);

        CollectionAssert.AreEqual(first, Draw(sampler, logits, 100));
    }

    [TestMethod]
    public void GreedyTakesTheArgMax()
    {
        var logits = NoisyLogits(Vocab, seed: 3, scale: 3.0);

        Assert.AreEqual(ArgMax(logits), new Sampler(new SamplingOptions { Greedy = true }, Vocab).Sample(logits));
    }

    [TestMethod]
    public void GreedyBreaksTiesToTheLowestId()
    {
        float[] logits = [1f, 5f, 2f, 5f, 5f];

        Assert.AreEqual(1, new Sampler(new SamplingOptions { Greedy = true }, logits.Length).Sample(logits));
    }

    [TestMethod]
    public void TopKOneIsGreedy()
    {
        var sampler = new Sampler(new SamplingOptions { TopK = 1, Temperature = 2f, Seed = 5 }, Vocab);

        for (var seed = 0; seed < 20; seed++)
        {
            var logits = NoisyLogits(Vocab, seed, scale: 3.0);
            Assert.AreEqual(ArgMax(logits), sampler.Sample(logits));
        }
    }

    [TestMethod]
    public void TiedLogitsSortTheLowerIdFirst()
    {
        // Top-p 0.1 keeps only the first of the two tied leaders after top-k has sorted them.
        var sampler = new Sampler(new SamplingOptions { TopK = 2, TopP = 0.1f, Seed = 5 }, 40);
        var logits = new float[40];
        logits[33] = 4f;
        logits[17] = 4f;

        Assert.AreEqual(17, sampler.Sample(logits));
    }

    [TestMethod]
    public void TopKSplitsABoundaryTieInFavourOfTheLowerIds()
    {
        var sampler = new Sampler(new SamplingOptions { TopK = 2, Seed = 3 }, 40);
        var logits = new float[40];
        logits[30] = 3f;
        logits[20] = 3f;
        logits[5] = 3f;

        var drawn = Draw(sampler, logits, 2000).Distinct().Order().ToArray();

        CollectionAssert.AreEqual(new[] { 5, 20 }, drawn);
    }

    [TestMethod]
    public void ZeroTemperatureIsGreedy()
    {
        var sampler = new Sampler(new SamplingOptions { Temperature = 0f, TopP = 0.5f, Seed = 5 }, Vocab);
        var logits = NoisyLogits(Vocab, seed: 4, scale: 3.0);

        Assert.AreEqual(ArgMax(logits), sampler.Sample(logits));
    }

    [TestMethod]
    public void TinyTemperatureSamplesTheArgMax()
    {
        var sampler = new Sampler(new SamplingOptions { Temperature = 1e-3f, Seed = 9 }, Vocab);
        var logits = NoisyLogits(Vocab, seed: 5, scale: 1.0);
        logits[ArgMax(logits)] += 0.5f;

        foreach (var token in Draw(sampler, logits, 200))
        {
            Assert.AreEqual(ArgMax(logits), token);
        }
    }

    [TestMethod]
    public void MaskedIdsAreNeverSampled()
    {
        var sampler = new Sampler(new SamplingOptions { MaskedIdsFrom = 30, Seed = 11 }, 40);
        var logits = new float[40];
        logits[35] = 10f;

        foreach (var token in Draw(sampler, logits, 5000))
        {
            Assert.IsLessThan(30, token);
        }
    }

    [TestMethod]
    public void GreedySkipsMaskedIds()
    {
        var logits = NoisyLogits(Vocab, seed: 6, scale: 1.0);
        logits[Vocab - 1] = 100f;
        var sampler = new Sampler(new SamplingOptions { Greedy = true, MaskedIdsFrom = Vocab - 1 }, Vocab);

        Assert.AreEqual(ArgMax(logits.AsSpan(0, Vocab - 1).ToArray()), sampler.Sample(logits));
    }

    [TestMethod]
    public void WrongRowWidthIsRejected()
    {
        var sampler = new Sampler(new SamplingOptions(), 10);

        Assert.ThrowsExactly<ArgumentException>(() => sampler.Sample(new float[11]));
    }

    internal static float[] NoisyLogits(int vocab, int seed, double scale)
    {
        var random = new Random(seed);
        var logits = new float[vocab];
        for (var i = 0; i < vocab; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            logits[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return logits;
    }

    private static int[] Draw(Sampler sampler, float[] logits, int count)
    {
        var tokens = new int[count];
        for (var i = 0; i < count; i++)
        {
            tokens[i] = sampler.Sample(logits);
        }

        return tokens;
    }

    private static int ArgMax(float[] logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }
}
