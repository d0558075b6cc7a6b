using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Session;
using Qwen3Onnx.Runtime.Tests.Api;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Generation;

/// <summary>The engine every caller drives, against HF's greedy continuations (expected.json).</summary>
[TestClass]
public sealed class Qwen3EngineTests
{
    [TestMethod]
    public void AStopIdEndsTheRowWithThatTokenReported()
    {
        var testCase = FixtureGoldens.Load("tiny-qwen3").Cases[1];
        using var session = Qwen3Session.Open(TestModels.Fixture("tiny-qwen3"));
        using var engine = new Qwen3Engine(session);
        int stopId = testCase.GreedyNewIds[1];

        var events = engine.Generate(new GenerationRequest
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
        using var engine = new Qwen3Engine(session);
        using var cancellation = new CancellationTokenSource();
        var received = new List<int>();

        Assert.ThrowsExactly<OperationCanceledException>(() =>
        {
            foreach (var token in engine.Generate(new GenerationRequest { Prompts = [testCase.PromptIds], MaxNewTokens = 16 }, cancellation.Token))
            {
                received.Add(token.TokenId);
                cancellation.Cancel();
            }
        });

        CollectionAssert.AreEqual(testCase.GreedyNewIds[..1], received.ToArray());
        var after = engine.GenerateAll(new GenerationRequest { Prompts = [testCase.PromptIds], MaxNewTokens = 16 });
        CollectionAssert.AreEqual(testCase.GreedyNewIds, after.Ids[0].ToArray(), "the engine goes on after a cancelled request");
    }

    [TestMethod]
    public void RowsOfABatchFinishIndependently()
    {
        var goldens = FixtureGoldens.Load("tiny-qwen3-moe");
        using var session = Qwen3Session.Open(TestModels.Fixture("tiny-qwen3-moe"));
        using var engine = new Qwen3Engine(session);
        int stopId = goldens.BatchGreedyNewIds[1][3];

        var (ids, finish) = engine.GenerateAll(new GenerationRequest
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
        using var engine = new Qwen3Engine(session);

        var stats = engine.GenerateAll(new GenerationRequest { Prompts = [testCase.PromptIds], MaxNewTokens = 16 }).Stats;

        Assert.AreEqual(15, stats.DecodeSteps);
        Assert.AreEqual(16, stats.GeneratedTokens);
        Assert.AreEqual(testCase.PromptIds.Length, stats.PromptTokens);
        Assert.IsLessThanOrEqualTo(stats.Decode, stats.DecodeRun);
        Assert.IsGreaterThan(TimeSpan.Zero, stats.Prefill);
    }

    /// <summary>Requests submitted from several threads at once share the running batch; each still gets its own continuation.</summary>
    [TestMethod]
    [DataRow("tiny-qwen3", false)]
    [DataRow("tiny-qwen3-moe", true)]
    public void ConcurrentRequestsDecodeTogetherAndEachGetsItsContinuation(string model, bool fused)
    {
        var cases = FixtureGoldens.Load(model).Cases;
        using var session = fused ? Qwen3Session.Open(TestModels.FusedFixture(model)) : Qwen3Session.Open(TestModels.Fixture(model));
        using var engine = new Qwen3Engine(session, new EngineOptions { MaxBatch = 4, BatchWindow = TimeSpan.FromMilliseconds(20) });

        var results = Task.WhenAll(cases.Select(testCase => Task.Run(() =>
            engine.GenerateAll(new GenerationRequest { Prompts = [testCase.PromptIds], MaxNewTokens = testCase.GreedyNewIds.Length })))).GetAwaiter().GetResult();

        for (int i = 0; i < cases.Count; i++)
        {
            CollectionAssert.AreEqual(cases[i].GreedyNewIds, results[i].Ids[0].ToArray(), $"prompt of {cases[i].PromptIds.Length} tokens");
        }
    }

    [TestMethod]
    public void ACancelledRowLeavesItsRequestAndTheOtherRowsGoOn()
    {
        var goldens = FixtureGoldens.Load("tiny-qwen3");
        using var session = Qwen3Session.Open(TestModels.Fixture("tiny-qwen3"));
        using var engine = new Qwen3Engine(session);
        var request = engine.Submit(EngineRequest.For(new GenerationRequest { Prompts = [.. goldens.BatchPrompts], MaxNewTokens = goldens.BatchGreedyNewIds[0].Length }));
        var produced = goldens.BatchPrompts.Select(_ => new List<int>()).ToArray();

        foreach (var token in request.ReadTokens())
        {
            produced[token.Row].Add(token.TokenId);
            if (token.Row == 0 && produced[0].Count == 2)
            {
                request.Cancel(0);
            }
        }

        CollectionAssert.AreEqual(goldens.BatchGreedyNewIds[0][..2], produced[0].ToArray());
        for (int row = 1; row < produced.Length; row++)
        {
            CollectionAssert.AreEqual(goldens.BatchGreedyNewIds[row], produced[row].ToArray(), $"row {row}");
        }
    }

    [TestMethod]
    public void ARequestBeyondTheBatchAndQueueIsRefusedAndABadPromptFailsAtSubmission()
    {
        var testCase = FixtureGoldens.Load("tiny-qwen3").Cases[0];
        using var session = Qwen3Session.Open(TestModels.Fixture("tiny-qwen3"));
        using var engine = new Qwen3Engine(session, new EngineOptions { MaxBatch = 1, MaxQueue = 0, AfterStep = _ => Thread.Sleep(20) });
        var running = engine.Submit(EngineRequest.For(new GenerationRequest { Prompts = [testCase.PromptIds], MaxNewTokens = 16 }));

        Assert.ThrowsExactly<EngineBusyException>(() => engine.Submit(EngineRequest.For(new GenerationRequest { Prompts = [testCase.PromptIds] })));
        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => engine.Submit(EngineRequest.For(new GenerationRequest { Prompts = [[session.VocabSize]] })));
        StringAssert.Contains(error.Message, "outside the model's vocabulary");
        Assert.AreEqual(16, running.ReadTokens().Count());
    }

    [TestMethod]
    public void AStoppedEngineRefusesRequestsAndEndsTheRunningOnes()
    {
        var testCase = FixtureGoldens.Load("tiny-qwen3").Cases[0];
        using var session = Qwen3Session.Open(TestModels.Fixture("tiny-qwen3"));
        var engine = new Qwen3Engine(session, new EngineOptions { AfterStep = _ => Thread.Sleep(20) });
        var running = engine.Submit(EngineRequest.For(new GenerationRequest { Prompts = [testCase.PromptIds], MaxNewTokens = 200 }));
        Assert.IsTrue(running.Tokens.WaitToReadAsync().AsTask().GetAwaiter().GetResult());

        engine.DrainAsync(TimeSpan.Zero).GetAwaiter().GetResult();

        Assert.IsTrue(engine.IsDraining);
        Assert.ThrowsExactly<EngineStoppedException>(() => running.ReadTokens().Count());
        Assert.ThrowsExactly<EngineStoppedException>(() => engine.Submit(EngineRequest.For(new GenerationRequest { Prompts = [testCase.PromptIds] })));
    }
}
