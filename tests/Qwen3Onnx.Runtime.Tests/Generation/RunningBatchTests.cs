using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Session;
using Qwen3Onnx.Runtime.Tests.Api;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Generation;

/// <summary>
/// Rows join and leave a running batch between steps; every greedy row must still produce its HF continuation
/// (expected.json), whatever padding its neighbours force on it.
/// </summary>
[TestClass]
public sealed class RunningBatchTests
{
    private const int MaxNew = 16;

    [TestMethod]
    [DataRow("tiny-qwen3", false)]
    [DataRow("tiny-qwen3-moe", false)]
    [DataRow("tiny-qwen3-untied-sharded", false)]
    [DataRow("tiny-qwen3", true)]
    [DataRow("tiny-qwen3-moe", true)]
    [DataRow("tiny-qwen3-untied-sharded", true)]
    public void RowsJoiningMidBatchProduceTheirGreedyContinuations(string model, bool fused)
    {
        var cases = FixtureGoldens.Load(model).Cases;
        using var session = Open(model, fused);
        using var batch = new RunningBatch(session);
        var produced = new Dictionary<int, List<int>>();

        var first = Record(produced, batch.Admit([Request(cases[1])]));
        Steps(batch, produced, 3);
        // The newcomer of 13 tokens is longer than the running row's 9 columns, the one of 1 token shorter: both sides get padded.
        var late = Record(produced, batch.Admit([Request(cases[2]), Request(cases[0])]));
        Assert.AreEqual(3, batch.Count);
        Assert.AreEqual(fused, batch.DecodesInPlace, "a fused graph's batch goes back into the fixed buffers after rows join");
        Steps(batch, produced, int.MaxValue);

        CollectionAssert.AreEqual(cases[1].GreedyNewIds, produced[first[0]].ToArray());
        CollectionAssert.AreEqual(cases[2].GreedyNewIds, produced[late[0]].ToArray());
        CollectionAssert.AreEqual(cases[0].GreedyNewIds, produced[late[1]].ToArray());
        Assert.AreEqual(0, batch.Width);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void ARemovedRowStopsAndTheColumnsOnlyItNeededAreTrimmed(bool fused)
    {
        var cases = FixtureGoldens.Load("tiny-qwen3").Cases;
        using var session = Open("tiny-qwen3", fused);
        using var batch = new RunningBatch(session);
        var produced = new Dictionary<int, List<int>>();
        var ids = Record(produced, batch.Admit([.. cases.Select(Request)]));
        Steps(batch, produced, 2);

        Assert.IsTrue(batch.Remove(ids[2]));
        Assert.IsFalse(batch.Remove(ids[2]));
        Steps(batch, produced, 1);

        // Four tokens each so far, the last not yet fed back: the 6-token row is now the longest.
        Assert.AreEqual(cases[1].PromptIds.Length + 4 - 1, batch.Width);
        Assert.AreEqual(fused, batch.DecodesInPlace);
        Steps(batch, produced, int.MaxValue);
        CollectionAssert.AreEqual(cases[0].GreedyNewIds, produced[ids[0]].ToArray());
        CollectionAssert.AreEqual(cases[1].GreedyNewIds, produced[ids[1]].ToArray());
        CollectionAssert.AreEqual(cases[2].GreedyNewIds[..3], produced[ids[2]].ToArray());
    }

    [TestMethod]
    public void ARowStopsAtItsOwnLimitOrStopId()
    {
        var cases = FixtureGoldens.Load("tiny-qwen3-untied-sharded").Cases;
        using var session = Qwen3Session.Open(TestModels.Fixture("tiny-qwen3-untied-sharded"));
        int stopId = cases[1].GreedyNewIds[4];
        using var batch = new RunningBatch(session);
        var events = new List<TokenEvent>(batch.Admit([Request(cases[1]) with { StopTokenIds = [stopId] }, Request(cases[0]) with { MaxNewTokens = 3 }]));
        while (batch.Count > 0)
        {
            events.AddRange(batch.Step());
        }

        CollectionAssert.AreEqual(cases[1].GreedyNewIds[..5], events.Where(e => e.Row == 0).Select(e => e.TokenId).ToArray());
        Assert.AreEqual(new TokenEvent(0, stopId, IsEndOfSequence: true, FinishReason.Stop), events.Last(e => e.Row == 0));
        CollectionAssert.AreEqual(cases[0].GreedyNewIds[..3], events.Where(e => e.Row == 1).Select(e => e.TokenId).ToArray());
        Assert.AreEqual(FinishReason.Length, events.Last(e => e.Row == 1).Finish);
    }

    /// <summary>The portable graph (a cache that grows each step) or the fused one (fixed buffers, appended in place).</summary>
    private static Qwen3Session Open(string model, bool fused)
    {
        var session = fused
            ? Qwen3Session.Open(TestModels.FusedFixture(model), new SessionSettings { FixedKvCache = true })
            : Qwen3Session.Open(TestModels.Fixture(model));
        Assert.AreEqual(fused, session.UsesFixedCache);
        return session;
    }

    private static BatchRowRequest Request(FixtureGoldens.Case testCase) => new() { Prompt = testCase.PromptIds, MaxNewTokens = MaxNew };

    private static int[] Record(Dictionary<int, List<int>> produced, IReadOnlyList<TokenEvent> events)
    {
        foreach (var token in events)
        {
            (produced.TryGetValue(token.Row, out var ids) ? ids : produced[token.Row] = []).Add(token.TokenId);
        }

        return [.. events.Select(e => e.Row)];
    }

    private static void Steps(RunningBatch batch, Dictionary<int, List<int>> produced, int count)
    {
        for (int step = 0; step < count && batch.Count > 0; step++)
        {
            Record(produced, batch.Step());
        }
    }
}
