using Qwen3Onnx.Runtime.Session;
using Qwen3Onnx.Runtime.Tests.Api;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Session;

/// <summary>A step's mask may sit at the front of a longer buffer (the decode loop reuses one); only its rows × total length count.</summary>
[TestClass]
public sealed class ForwardBatchTests
{
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void AMaskAtTheFrontOfALongerBufferGivesTheSameGreedyTokenAsAnExactOne(bool fused)
    {
        var testCase = FixtureGoldens.Load("tiny-qwen3").Cases[1];
        using var session = fused
            ? Qwen3Session.Open(TestModels.FusedFixture("tiny-qwen3"), new SessionSettings { FixedKvCache = true })
            : Qwen3Session.Open(TestModels.Fixture("tiny-qwen3"));
        long[] ids = [.. testCase.PromptIds.Select(id => (long)id)];
        long[] positions = [.. Enumerable.Range(0, ids.Length).Select(p => (long)p)];
        // Past the real mask: values no mask holds, which the graph would reject or misread if it saw them.
        long[] mask = [.. ids.Select(_ => 1L), .. Enumerable.Repeat(-7L, 40)];

        using var cache = session.CreateCache(1, capacity: ids.Length + 1);
        using var output = session.Forward(new ForwardBatch(ids, mask, positions, 1) { TotalLength = ids.Length }, cache);

        Assert.AreEqual(testCase.GreedyNewIds[0], ArgMax(output.LastLogits(0)));
        Assert.AreEqual(ids.Length, cache.Length);
    }

    [TestMethod]
    public void AMaskShorterThanRowsTimesTotalLengthIsRefused()
    {
        using var session = Qwen3Session.Open(TestModels.Fixture("tiny-qwen3"));
        using var cache = session.CreateCache(2);

        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            session.Forward(new ForwardBatch([1, 2, 3, 4], [1, 1, 1], [0, 1, 0, 1], 2) { TotalLength = 2 }, cache));

        StringAssert.Contains(error.Message, "3 mask values do not make 2 rows of 2 new and 2 total positions");
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }
}
