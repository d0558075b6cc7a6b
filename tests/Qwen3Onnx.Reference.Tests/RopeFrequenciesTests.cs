using Qwen3Onnx.Models.Config;

namespace Qwen3Onnx.Reference.Tests;

/// <summary>
/// Pins <see cref="RopeFrequencies"/> to HF transformers 5's <c>_compute_yarn_parameters</c>
/// (<c>src/transformers/modeling_rope_utils.py</c>): values worked out by hand for small cases, and an
/// independent double-precision transcription of that formula (<see cref="YarnInDouble"/>) for the rest.
/// </summary>
[TestClass]
public sealed class RopeFrequenciesTests
{
    private const double RelativeTolerance = 2e-6; // float32 result against a double-precision formula

    [TestMethod]
    public void DefaultFrequenciesArePowersOfTheta()
    {
        var rope = RopeFrequencies.For(Config(headDim: 8, theta: 10_000));

        // 10000^(−2i/8) = 10^(−i)
        AssertClose([1.0, 0.1, 0.01, 0.001], rope.InverseFrequencies);
        Assert.AreEqual(1f, rope.AttentionScaling);
    }

    [TestMethod]
    public void LinearScalingDividesEveryFrequencyByTheFactor()
    {
        var rope = RopeFrequencies.For(Config(headDim: 8, theta: 10_000) with { RopeScaling = new RopeScaling { Type = "linear", Factor = 4 } });

        AssertClose([0.25, 0.025, 0.0025, 0.00025], rope.InverseFrequencies);
    }

    /// <summary>
    /// head_dim 16, θ 10⁴, factor 2, original 32 (max 128, so max/original = 4 ≠ factor):
    /// correction dims 16·ln(32/(2π·β))/(2 ln 10⁴) = −1.596 (β 32) and 1.414 (β 1) → range [0, 2];
    /// ramp(i) = i/2 clamped; θ^(−2i/16) = 10^(−i/2). So
    /// inv₀ = 1, inv₁ = ½·10^(−½)/2 + ½·10^(−½) = 0.75·10^(−½), inv₇ = 10^(−3.5)/2; scaling = 0.1·ln 2 + 1.
    /// HF 5 uses the explicit factor (2), not max/original (4).
    /// </summary>
    [TestMethod]
    public void YarnUsesTheExplicitFactorAndPlacesTheRampByOriginalLength()
    {
        var rope = RopeFrequencies.For(YarnConfig(new RopeScaling { Type = "yarn", Factor = 2, OriginalMaxPositionEmbeddings = 32 }));

        Assert.AreEqual(1.0, rope.InverseFrequencies[0], 1e-7);
        Assert.AreEqual(0.75 * Math.Pow(10, -0.5), rope.InverseFrequencies[1], 1e-7);
        Assert.AreEqual(Math.Pow(10, -3.5) / 2, rope.InverseFrequencies[7], 1e-10);
        Assert.AreEqual((0.1 * Math.Log(2)) + 1, rope.AttentionScaling, 1e-7);
    }

    [TestMethod]
    public void YarnAttentionScalingIsPointOneLnFactorPlusOne()
    {
        var rope = RopeFrequencies.For(YarnConfig(new RopeScaling { Type = "yarn", Factor = 4, OriginalMaxPositionEmbeddings = 32 }));

        Assert.AreEqual(1.1386294361, rope.AttentionScaling, 1e-7);
    }

    [TestMethod]
    [DataRow(4.0, 32, true, null, null, null, null, null)]
    [DataRow(4.0, 32, false, null, null, null, null, null)]
    [DataRow(3.0, null, true, null, null, null, null, null)]
    [DataRow(2.5, 64, false, 16.0, 2.0, null, null, null)]
    [DataRow(2.0, 16, true, 0.0, 0.0, null, null, null)]
    [DataRow(4.0, 32, true, null, null, 0.707, 1.0, null)]
    [DataRow(4.0, 32, true, null, null, 1.0, 1.0, null)]
    [DataRow(4.0, 32, true, null, null, 1.0, 0.0, null)]
    [DataRow(4.0, 32, true, null, null, 0.707, 1.0, 1.25)]
    public void YarnMatchesAnIndependentTranscriptionOfTransformers(
        double factor, int? original, bool truncate, double? betaFast, double? betaSlow, double? mscale, double? mscaleAllDim, double? attentionFactor)
    {
        var scaling = new RopeScaling
        {
            Type = "yarn",
            Factor = factor,
            OriginalMaxPositionEmbeddings = original,
            Truncate = truncate,
            BetaFast = betaFast,
            BetaSlow = betaSlow,
            Mscale = mscale,
            MscaleAllDim = mscaleAllDim,
            AttentionFactor = attentionFactor,
        };
        var config = YarnConfig(scaling);
        var rope = RopeFrequencies.For(config);
        var (expectedInverse, expectedScaling) = YarnInDouble(config);

        AssertClose(expectedInverse, rope.InverseFrequencies);
        Assert.AreEqual(expectedScaling, rope.AttentionScaling, 1e-6);
    }

    [TestMethod]
    public void YarnOfEveryRandomConfigMatchesTheIndependentTranscription()
    {
        var yarnConfigs = RandomConfigs.Draw(40).Where(c => c.RopeScaling.IsYarn).ToArray();

        Assert.IsNotEmpty(yarnConfigs);
        foreach (var config in yarnConfigs)
        {
            var rope = RopeFrequencies.For(config);
            var (expectedInverse, expectedScaling) = YarnInDouble(config);

            AssertClose(expectedInverse, rope.InverseFrequencies);
            Assert.AreEqual(expectedScaling, rope.AttentionScaling, 1e-6);
        }
    }

    [TestMethod]
    public void CosAndSinAreScaledByTheAttentionFactor()
    {
        var rope = RopeFrequencies.For(YarnConfig(new RopeScaling { Type = "yarn", Factor = 4, OriginalMaxPositionEmbeddings = 32 }));
        var (inverse, scaling) = YarnInDouble(YarnConfig(new RopeScaling { Type = "yarn", Factor = 4, OriginalMaxPositionEmbeddings = 32 }));
        var cos = new float[8];
        var sin = new float[8];

        rope.CosSin(37, cos, sin);

        for (int i = 0; i < 8; i++)
        {
            Assert.AreEqual(Math.Cos(37 * inverse[i]) * scaling, cos[i], 1e-5, $"cos[{i}]");
            Assert.AreEqual(Math.Sin(37 * inverse[i]) * scaling, sin[i], 1e-5, $"sin[{i}]");
        }
    }

    /// <summary>
    /// HF 5's YaRN written out in double precision, independently of the code under test:
    /// original = rope_parameters.original_max_position_embeddings (standardised to max_position_embeddings when absent);
    /// attention_factor = explicit, else get_mscale(f, mscale)/get_mscale(f, mscale_all_dim) when both are truthy, else get_mscale(f);
    /// β_fast = beta_fast or 32, β_slow = beta_slow or 1; correction range floored/ceiled iff truncate, clamped to [0, dim−1];
    /// ramp over dim/2 (max += 0.001 if equal); inv = interp·ramp + extrap·(1 − ramp).
    /// </summary>
    private static (double[] Inverse, double Scaling) YarnInDouble(Qwen3Config config)
    {
        var s = config.RopeScaling;
        int dim = config.HeadDim;
        double theta = config.RopeTheta;
        double factor = s.Factor;
        double original = s.OriginalMaxPositionEmbeddings ?? config.MaxPositionEmbeddings;
        double GetMscale(double scale, double m) => scale <= 1 ? 1 : (0.1 * m * Math.Log(scale)) + 1;
        double scaling = s.AttentionFactor
            ?? ((s.Mscale ?? 0) != 0 && (s.MscaleAllDim ?? 0) != 0 ? GetMscale(factor, s.Mscale!.Value) / GetMscale(factor, s.MscaleAllDim!.Value) : GetMscale(factor, 1));
        double betaFast = (s.BetaFast ?? 0) != 0 ? s.BetaFast!.Value : 32;
        double betaSlow = (s.BetaSlow ?? 0) != 0 ? s.BetaSlow!.Value : 1;
        double Dim(double rotations) => dim * Math.Log(original / (rotations * 2 * Math.PI)) / (2 * Math.Log(theta));
        double low = s.Truncate ? Math.Floor(Dim(betaFast)) : Dim(betaFast);
        double high = s.Truncate ? Math.Ceiling(Dim(betaSlow)) : Dim(betaSlow);
        low = Math.Max(low, 0);
        high = Math.Min(high, dim - 1);
        high = low == high ? high + 0.001 : high;
        var inverse = new double[dim / 2];
        for (int i = 0; i < inverse.Length; i++)
        {
            double extrapolation = 1 / Math.Pow(theta, 2.0 * i / dim);
            double ramp = Math.Clamp((i - low) / (high - low), 0, 1);
            inverse[i] = (extrapolation / factor * ramp) + (extrapolation * (1 - ramp));
        }

        return (inverse, scaling);
    }

    private static Qwen3Config Config(int headDim, double theta) => new()
    {
        VocabSize = 32,
        HiddenSize = 16,
        IntermediateSize = 16,
        NumHiddenLayers = 1,
        NumAttentionHeads = 2,
        NumKeyValueHeads = 1,
        HeadDim = headDim,
        RopeTheta = theta,
        MaxPositionEmbeddings = 128,
    };

    private static Qwen3Config YarnConfig(RopeScaling scaling) => Config(headDim: 16, theta: 10_000) with { RopeScaling = scaling };

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<float> actual)
    {
        Assert.HasCount(expected.Count, actual);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.AreEqual(expected[i], actual[i], Math.Abs(expected[i]) * RelativeTolerance, $"inverse frequency {i}");
        }
    }
}
