using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Runtime.Tests.Sampling;

[TestClass]
public sealed class SamplingOptionsTests
{
    [TestMethod]
    public void NegativeTemperatureIsRejectedNamingTheOption() =>
        AssertRejected(() => new SamplingOptions { Temperature = -0.5f }, "temperature");

    [TestMethod]
    public void NonFiniteTemperatureIsRejectedNamingTheOption() =>
        AssertRejected(() => new SamplingOptions { Temperature = float.NaN }, "temperature");

    [TestMethod]
    public void NegativeTopKIsRejectedNamingTheOption() =>
        AssertRejected(() => new SamplingOptions { TopK = -1 }, "top_k");

    [TestMethod]
    [DataRow(0f)]
    [DataRow(1.5f)]
    public void TopPOutsideZeroToOneIsRejectedNamingTheOption(float topP) =>
        AssertRejected(() => new SamplingOptions { TopP = topP }, "top_p");

    [TestMethod]
    [DataRow(-0.1f)]
    [DataRow(1.1f)]
    public void MinPOutsideZeroToOneIsRejectedNamingTheOption(float minP) =>
        AssertRejected(() => new SamplingOptions { MinP = minP }, "min_p");

    [TestMethod]
    [DataRow(0f)]
    [DataRow(-1f)]
    [DataRow(float.PositiveInfinity)]
    public void NonPositiveRepetitionPenaltyIsRejectedNamingTheOption(float penalty) =>
        AssertRejected(() => new SamplingOptions { RepetitionPenalty = penalty }, "repetition_penalty");

    [TestMethod]
    public void NonFinitePresencePenaltyIsRejectedNamingTheOption() =>
        AssertRejected(() => new SamplingOptions { PresencePenalty = float.NaN }, "presence_penalty");

    [TestMethod]
    public void NonFiniteFrequencyPenaltyIsRejectedNamingTheOption() =>
        AssertRejected(() => new SamplingOptions { FrequencyPenalty = float.NegativeInfinity }, "frequency_penalty");

    [TestMethod]
    public void NonPositiveMaskBoundIsRejectedNamingTheOption() =>
        AssertRejected(() => new SamplingOptions { MaskedIdsFrom = 0 }, "masked_ids_from");

    [TestMethod]
    public void WithExpressionIsValidatedToo() =>
        AssertRejected(() => new SamplingOptions() with { TopP = 2f }, "top_p");

    [TestMethod]
    public void DefaultsAreNeutral()
    {
        var options = new SamplingOptions();

        Assert.IsFalse(options.IsGreedy);
        Assert.AreEqual(1f, options.Temperature);
        Assert.AreEqual(0, options.TopK);
        Assert.AreEqual(1f, options.TopP);
        Assert.AreEqual(0f, options.MinP);
        Assert.AreEqual(1f, options.RepetitionPenalty);
    }

    [TestMethod]
    [DataRow(true, 0.7f, 0)]
    [DataRow(false, 0f, 0)]
    [DataRow(false, 0.7f, 1)]
    public void GreedyFlagZeroTemperatureAndTopKOneAreGreedy(bool greedy, float temperature, int topK) =>
        Assert.IsTrue(new SamplingOptions { Greedy = greedy, Temperature = temperature, TopK = topK }.IsGreedy);

    [TestMethod]
    public void GenerationDefaultsMapOntoOptions()
    {
        var defaults = new GenerationDefaults { DoSample = true, Temperature = 0.6, TopK = 20, TopP = 0.95, MinP = 0.0, RepetitionPenalty = 1.05 };

        var options = SamplingOptions.FromGenerationDefaults(defaults, maskedIdsFrom: 151669);

        Assert.IsFalse(options.IsGreedy);
        Assert.AreEqual(0.6f, options.Temperature);
        Assert.AreEqual(20, options.TopK);
        Assert.AreEqual(0.95f, options.TopP);
        Assert.AreEqual(0f, options.MinP);
        Assert.AreEqual(1.05f, options.RepetitionPenalty);
        Assert.AreEqual(151669, options.MaskedIdsFrom);
    }

    [TestMethod]
    public void SilentGenerationDefaultsFollowHuggingFaceDefaults()
    {
        var options = SamplingOptions.FromGenerationDefaults(new GenerationDefaults());

        Assert.IsTrue(options.Greedy);
        Assert.AreEqual(1f, options.Temperature);
        Assert.AreEqual(50, options.TopK);
        Assert.AreEqual(1f, options.TopP);
    }

    [TestMethod]
    public void InvalidGenerationDefaultIsRejectedNamingTheOption() =>
        AssertRejected(() => SamplingOptions.FromGenerationDefaults(new GenerationDefaults { TopP = 1.5 }), "top_p");

    private static void AssertRejected(Func<SamplingOptions> build, string option)
    {
        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => build());

        StringAssert.Contains(ex.Message, $"'{option}'");
    }
}
