using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Session;
using Qwen3Onnx.Runtime.Tests.Api;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Generation;

[TestClass]
public sealed class TokenGeneratorTests
{
    [TestMethod]
    public void AStopIdEndsTheRowWithThatTokenReported()
    {
        var testCase = FixtureGoldens.Load("tiny-qwen3").Cases[1];
        using var session = Qwen3Session.Open(TestModels.Fixture("tiny-qwen3"));
        int stopId = testCase.GreedyNewIds[1];

        var events = new TokenGenerator(session).Generate(new GenerationRequest
        {
            Prompts = [testCase.PromptIds],
            MaxNewTokens = 16,
            StopTokenIds = [stopId],
        }).ToList();

        CollectionAssert.AreEqual(testCase.GreedyNewIds[..2], events.Select(e => e.TokenId).ToArray());
        Assert.AreEqual(new TokenEvent(0, stopId, IsEndOfSequence: true, FinishReason.Stop), events[^1]);
    }

    [TestMethod]
    public void CancellingAfterATokenProducesNoFurtherToken()
    {
        var testCase = FixtureGoldens.Load("tiny-qwen3").Cases[0];
        using var session = Qwen3Session.Open(TestModels.Fixture("tiny-qwen3"));
        using var cancellation = new CancellationTokenSource();
        var received = new List<int>();

        Assert.ThrowsExactly<OperationCanceledException>(() =>
        {
            foreach (var token in new TokenGenerator(session).Generate(new GenerationRequest { Prompts = [testCase.PromptIds], MaxNewTokens = 16 }, cancellation.Token))
            {
                received.Add(token.TokenId);
                cancellation.Cancel();
            }
        });

        CollectionAssert.AreEqual(testCase.GreedyNewIds[..1], received.ToArray());
    }

    [TestMethod]
    public void RowsOfABatchFinishIndependently()
    {
        var goldens = FixtureGoldens.Load("tiny-qwen3-moe");
        using var session = Qwen3Session.Open(TestModels.Fixture("tiny-qwen3-moe"));
        int stopId = goldens.BatchGreedyNewIds[1][3];

        var (ids, finish) = new TokenGenerator(session).GenerateAll(new GenerationRequest
        {
            Prompts = [.. goldens.BatchPrompts],
            MaxNewTokens = 12,
            StopTokenIds = [stopId],
        });

        CollectionAssert.AreEqual(goldens.BatchGreedyNewIds[1][..4], ids[1].ToArray());
        Assert.AreEqual(FinishReason.Stop, finish[1]);
        CollectionAssert.AreEqual(goldens.BatchGreedyNewIds[0], ids[0].ToArray());
        Assert.AreEqual(FinishReason.Length, finish[0]);
    }

    [TestMethod]
    public void DecodeStepsAreTimedForTheHostOverhead()
    {
        var testCase = FixtureGoldens.Load("tiny-qwen3").Cases[2];
        using var session = Qwen3Session.Open(TestModels.Fixture("tiny-qwen3"));
        var generator = new TokenGenerator(session);

        generator.GenerateAll(new GenerationRequest { Prompts = [testCase.PromptIds], MaxNewTokens = 16 });

        Assert.AreEqual(15, generator.LastStats.DecodeSteps);
        Assert.AreEqual(16, generator.LastStats.GeneratedTokens);
        Assert.AreEqual(testCase.PromptIds.Length, generator.LastStats.PromptTokens);
        Assert.IsLessThanOrEqualTo(generator.LastStats.Decode, generator.LastStats.DecodeRun);
    }
}
