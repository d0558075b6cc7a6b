using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Runtime.Tests.Sampling;

/// <summary>
/// Draws many tokens with a fixed seed and compares the frequencies with the distribution each filter defines,
/// computed here from the definitions (Hugging Face's warpers), by a chi-square test at the 0.999 quantile.
/// </summary>
[TestClass]
public sealed class SamplerDistributionTests
{
    private const int Draws = 20_000;

    // Upper 0.999 quantiles of chi-square for 1..15 degrees of freedom.
    private static readonly double[] ChiSquare999 =
        [10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877, 29.588, 31.264, 32.909, 34.528, 36.123, 37.697];

    // 40 distinct logits with the large ones scattered, so selection cannot rely on position.
    private static readonly float[] Row = [.. Enumerable.Range(0, 40).Select(i => (float)(2.5 * Math.Sin(i * 1.7) + 0.3 * Math.Cos(i * 0.45)))];

    // 1000 distinct logits in [0, 1): the top-p 0.5 nucleus holds far more than the sampler's sorted prefix.
    private static readonly float[] FlatRow = [.. Enumerable.Range(0, 1000).Select(i => (i * 7919 % 1000) / 1000f)];

    [TestMethod]
    public void TemperatureSharpensTheSoftmax()
    {
        float[] row = [0.5f, 1.5f, -0.3f, 1.0f, 0.2f, -1.0f];

        AssertDistribution(row, new SamplingOptions { Temperature = 0.7f, Seed = 1 });
    }

    [TestMethod]
    public void HighTemperatureFlattensTheSoftmax() =>
        AssertDistribution([0.5f, 1.5f, -0.3f, 1.0f, 0.2f, -1.0f], new SamplingOptions { Temperature = 1.8f, Seed = 2 });

    [TestMethod]
    public void TopKKeepsTheKMostLikely() =>
        AssertDistribution(Row, new SamplingOptions { TopK = 6, Seed = 3 });

    [TestMethod]
    public void TopPKeepsTheSmallestPrefixReachingP() =>
        AssertDistribution(Row, new SamplingOptions { TopP = 0.7f, Seed = 4 });

    [TestMethod]
    public void MinPDropsTokensBelowAFractionOfTheTopProbability() =>
        AssertDistribution(Row, new SamplingOptions { MinP = 0.15f, Seed = 5 });

    [TestMethod]
    public void WarpersComposeInHuggingFaceOrder() =>
        AssertDistribution(Row, new SamplingOptions { Temperature = 1.3f, TopK = 12, TopP = 0.85f, MinP = 0.1f, Seed = 6 });

    [TestMethod]
    public void WideNucleusFoundWithoutSortingMatchesTheDefinition() =>
        AssertDistribution(FlatRow, new SamplingOptions { TopP = 0.5f, Seed = 8 });

    [TestMethod]
    public void MinPAfterAWideNucleusMatchesTheDefinition() =>
        AssertDistribution(FlatRow, new SamplingOptions { TopP = 0.6f, MinP = 0.8f, Seed = 9 });

    [TestMethod]
    public void MinPAfterTopKUsesTheTemperedLogits() =>
        AssertDistribution(Row, new SamplingOptions { Temperature = 2f, TopK = 10, MinP = 0.3f, Seed = 7 });

    private static void AssertDistribution(float[] row, SamplingOptions options)
    {
        var expected = ExpectedDistribution(row, options);
        var observed = new int[row.Length];
        var sampler = new Sampler(options, row.Length);
        for (var i = 0; i < Draws; i++)
        {
            observed[sampler.Sample(row)]++;
        }

        var chiSquare = 0.0;
        var kept = 0;
        for (var id = 0; id < row.Length; id++)
        {
            if (expected[id] == 0)
            {
                Assert.AreEqual(0, observed[id], $"id {id} is outside the kept set but was drawn");
                continue;
            }

            var expectedCount = expected[id] * Draws;
            Assert.IsGreaterThanOrEqualTo(5.0, expectedCount, $"test design: id {id} expects too few draws for chi-square");
            chiSquare += Math.Pow(observed[id] - expectedCount, 2) / expectedCount;
            kept++;
        }

        Assert.IsGreaterThan(1, kept, "test design: the kept set must have at least two ids");
        Assert.IsLessThan(ChiSquareQuantile999(kept - 1), chiSquare, $"chi-square {chiSquare:F2} with {kept - 1} degrees of freedom");
    }

    /// <summary>The table where it has the value, else the Wilson–Hilferty approximation (good to a few tenths of a percent).</summary>
    private static double ChiSquareQuantile999(int degrees)
    {
        if (degrees <= ChiSquare999.Length)
        {
            return ChiSquare999[degrees - 1];
        }

        const double z = 3.090232;
        var c = 2.0 / (9.0 * degrees);
        return degrees * Math.Pow(1 - c + (z * Math.Sqrt(c)), 3);
    }

    /// <summary>Temperature, then top-k, top-p, min-p, each renormalising what it keeps.</summary>
    private static double[] ExpectedDistribution(float[] row, SamplingOptions options)
    {
        var scaled = row.Select(logit => (double)logit / options.Temperature).ToArray();
        var byLikelihood = Enumerable.Range(0, row.Length).OrderByDescending(id => scaled[id]).ToArray();
        var keep = new bool[row.Length];
        foreach (var id in options.TopK > 0 ? byLikelihood.Take(options.TopK) : byLikelihood)
        {
            keep[id] = true;
        }

        var probabilities = Softmax(scaled, keep);
        var massBefore = 0.0;
        foreach (var id in byLikelihood.Where(id => keep[id]))
        {
            keep[id] = massBefore < options.TopP;
            massBefore += probabilities[id];
        }

        probabilities = Softmax(scaled, keep);
        var top = probabilities.Max();
        for (var id = 0; id < row.Length; id++)
        {
            keep[id] &= probabilities[id] >= options.MinP * top;
        }

        return Softmax(scaled, keep);
    }

    private static double[] Softmax(double[] logits, bool[] keep)
    {
        var weights = logits.Select((logit, id) => keep[id] ? Math.Exp(logit) : 0.0).ToArray();
        var total = weights.Sum();
        return [.. weights.Select(weight => weight / total)];
    }
}
