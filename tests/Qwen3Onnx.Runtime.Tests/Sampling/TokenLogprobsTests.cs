using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Runtime.Tests.Sampling;

[TestClass]
public sealed class TokenLogprobsTests
{
    [TestMethod]
    public void LogprobsAreTheLogSoftmaxOfTheRowAndTheTopAreTheMostLikelyInOrder()
    {
        float[] logits = [1.5f, -2f, 3.25f, 0f, 3.25f, float.NegativeInfinity, 2f];
        double logSum = Math.Log(logits.Sum(x => Math.Exp(x)));

        var logprobs = TokenLogprobs.From(logits, tokenId: 6, top: 3);

        Assert.AreEqual(2 - logSum, logprobs.Logprob, 1e-6);
        CollectionAssert.AreEqual(new[] { 2, 4, 6 }, logprobs.Top.Select(t => t.TokenId).ToArray(), "ties keep the lower id first");
        Assert.AreEqual(3.25 - logSum, logprobs.Top[0].Logprob, 1e-6);
        Assert.AreEqual(TokenLogprobs.Floor, TokenLogprobs.From(logits, tokenId: 5, top: 0).Logprob, "a masked token is reported at OpenAI's floor, not as -Infinity");
        Assert.IsEmpty(TokenLogprobs.From(logits, tokenId: 0, top: 0).Top);
    }

    [TestMethod]
    public void TheSamplerReportsLogprobsAfterPenaltiesAndBeforeTemperature()
    {
        float[] logits = [2f, 1f, 0.5f, -1f];
        var sampler = new Sampler(new SamplingOptions { Temperature = 0.1f, RepetitionPenalty = 2f, TopLogprobs = 2, Seed = 1 }, logits.Length);
        sampler.Reset([0]);

        int token = sampler.Sample(logits);

        float[] penalised = [1f, 1f, 0.5f, -1f];
        double logSum = Math.Log(penalised.Sum(x => Math.Exp(x)));
        var reported = sampler.LastLogprobs!;
        Assert.AreEqual(token, reported.TokenId);
        Assert.AreEqual(penalised[token] - logSum, reported.Logprob, 1e-6);
        CollectionAssert.AreEqual(new[] { 0, 1 }, reported.Top.Select(t => t.TokenId).ToArray());
        Assert.AreEqual(1 - logSum, reported.Top[1].Logprob, 1e-6);
    }

    [TestMethod]
    public void MoreThanTwentyAlternativesAreRefused() =>
        Assert.ThrowsExactly<Models.Qwen3OnnxException>(() => new SamplingOptions { TopLogprobs = 21 });
}
