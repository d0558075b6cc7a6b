using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Runtime.Tests.Sampling;

[TestClass]
public sealed class PenaltyTests
{
    [TestMethod]
    public void RepetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenIdsOnly()
    {
        float[] logits = [2f, -2f, 0.5f, -0.5f, 3f, 0f];

        RepetitionPenalty.Apply(logits, [0, 1, 3, 5], 2f);

        CollectionAssert.AreEqual(new[] { 1f, -4f, 0.5f, -1f, 3f, 0f }, logits);
    }

    [TestMethod]
    public void PresenceAndFrequencyPenaltiesSubtractOncePlusPerOccurrence()
    {
        float[] logits = [1f, 1f, 1f, 1f];
        int[] counts = [3, 0, 1, 0];

        PresenceFrequencyPenalty.Apply(logits, [0, 2], counts, presence: 0.5f, frequency: 0.25f);

        CollectionAssert.AreEqual(new[] { 1f - 0.5f - 0.75f, 1f, 1f - 0.5f - 0.25f, 1f }, logits);
    }

    [TestMethod]
    public void RepetitionPenaltyCoversPromptIds()
    {
        var sampler = new Sampler(new SamplingOptions { Greedy = true, RepetitionPenalty = 2f }, 4);
        float[] logits = [1f, 3f, 2f, 0f];

        sampler.Reset([1]);

        Assert.AreEqual(2, sampler.Sample(logits));
    }

    [TestMethod]
    public void RepetitionPenaltyCoversGeneratedIds()
    {
        var sampler = new Sampler(new SamplingOptions { Greedy = true, RepetitionPenalty = 2f }, 4);
        float[] logits = [1f, 3f, 2f, 0f];
        sampler.Reset([]);

        sampler.Accept(1);

        Assert.AreEqual(2, sampler.Sample(logits));
    }

    [TestMethod]
    public void PresencePenaltyExemptsThePromptButNotTheOutput()
    {
        var sampler = new Sampler(new SamplingOptions { Greedy = true, PresencePenalty = 1.5f }, 4);
        float[] logits = [1f, 3f, 2f, 0f];

        sampler.Reset([1]);
        Assert.AreEqual(1, sampler.Sample(logits));

        sampler.Accept(1);
        Assert.AreEqual(2, sampler.Sample(logits));
    }

    [TestMethod]
    public void FrequencyPenaltyGrowsWithEachOccurrence()
    {
        var sampler = new Sampler(new SamplingOptions { Greedy = true, FrequencyPenalty = 0.6f }, 3);
        float[] logits = [2f, 1f, 0f];
        sampler.Reset([]);

        sampler.Accept(0);
        Assert.AreEqual(0, sampler.Sample(logits));

        sampler.Accept(0);
        Assert.AreEqual(1, sampler.Sample(logits));
    }

    [TestMethod]
    public void ResetForgetsTheHistory()
    {
        var sampler = new Sampler(new SamplingOptions { Greedy = true, RepetitionPenalty = 10f }, 3);
        float[] logits = [2f, 1f, 0f];
        sampler.Reset([0]);
        sampler.Accept(0);

        sampler.Reset([]);

        Assert.AreEqual(0, sampler.Sample(logits));
    }

    [TestMethod]
    public void SamplingDoesNotModifyTheCallersLogits()
    {
        var sampler = new Sampler(new SamplingOptions { Temperature = 0.5f, RepetitionPenalty = 2f, TopK = 2 }, 3);
        float[] logits = [2f, 1f, 0f];
        sampler.Reset([0, 1, 2]);

        sampler.Sample(logits);

        CollectionAssert.AreEqual(new[] { 2f, 1f, 0f }, logits);
    }

    [TestMethod]
    public void AcceptingAnIdOutsideTheVocabularyThrows()
    {
        var sampler = new Sampler(new SamplingOptions(), 3);

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => sampler.Accept(3));
    }
}
