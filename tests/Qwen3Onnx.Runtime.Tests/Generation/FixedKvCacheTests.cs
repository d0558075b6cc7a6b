using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Session;
using Qwen3Onnx.Runtime.Tests.Api;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Generation;

/// <summary>
/// The fixed past/present buffers (GroupQueryAttention appending in place, a capacity-wide mask whose tail is zeros)
/// that fused graphs use by default on the CPU and CUDA, exercised on the CPU provider against HF's greedy continuations.
/// </summary>
[TestClass]
public sealed class FixedKvCacheTests
{
    private static readonly SessionSettings Fixed = new() { FixedKvCache = true };

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void GreedyContinuationsMatchTransformers(string model)
    {
        var goldens = FixtureGoldens.Load(model);
        using var session = Qwen3Session.Open(TestModels.FusedFixture(model), Fixed);
        Assert.IsTrue(session.UsesFixedCache);
        using var generator = new Qwen3Engine(session);

        foreach (var testCase in goldens.Cases)
        {
            var (ids, _) = generator.GenerateAll(new GenerationRequest { Prompts = [testCase.PromptIds], MaxNewTokens = testCase.GreedyNewIds.Length });
            CollectionAssert.AreEqual(testCase.GreedyNewIds, ids[0].ToArray(), $"prompt of {testCase.PromptIds.Length} tokens");
        }
    }

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-moe")]
    public void LeftPaddedBatchMatchesTransformers(string model)
    {
        var goldens = FixtureGoldens.Load(model);
        using var session = Qwen3Session.Open(TestModels.FusedFixture(model), Fixed);

        using var engine = new Qwen3Engine(session);
        var (ids, _) = engine.GenerateAll(new GenerationRequest
        {
            Prompts = [.. goldens.BatchPrompts],
            MaxNewTokens = goldens.BatchGreedyNewIds[0].Length,
        });

        for (int row = 0; row < ids.Count; row++)
        {
            CollectionAssert.AreEqual(goldens.BatchGreedyNewIds[row], ids[row].ToArray(), $"row {row}");
        }
    }

    [TestMethod]
    public void ALongGenerationThenAShortOneReuseTheBuffersWithoutStaleState()
    {
        var goldens = FixtureGoldens.Load("tiny-qwen3");
        var longest = goldens.Cases.MaxBy(c => c.PromptIds.Length)!;
        var shortest = goldens.Cases.MinBy(c => c.PromptIds.Length)!;
        using var session = Qwen3Session.Open(TestModels.FusedFixture("tiny-qwen3"), Fixed);
        using var generator = new Qwen3Engine(session);

        generator.GenerateAll(new GenerationRequest { Prompts = [longest.PromptIds], MaxNewTokens = longest.GreedyNewIds.Length });
        var (ids, _) = generator.GenerateAll(new GenerationRequest { Prompts = [shortest.PromptIds], MaxNewTokens = shortest.GreedyNewIds.Length });

        CollectionAssert.AreEqual(shortest.GreedyNewIds, ids[0].ToArray());
    }

    [TestMethod]
    public void FusedGraphsOnTheCpuUseTheFixedCacheUnlessToldNot()
    {
        using (var byDefault = Qwen3Session.Open(TestModels.FusedFixture("tiny-qwen3")))
        {
            Assert.IsTrue(byDefault.UsesFixedCache);
        }

        using var growing = Qwen3Session.Open(TestModels.FusedFixture("tiny-qwen3"), new SessionSettings { FixedKvCache = false });
        Assert.IsFalse(growing.UsesFixedCache);

        using var portable = Qwen3Session.Open(TestModels.Fixture("tiny-qwen3"));
        Assert.IsFalse(portable.UsesFixedCache, "only GroupQueryAttention appends in place");
    }

    [TestMethod]
    public void AHostCacheOverTheLimitGrowsStepByStepAndStillMatchesTransformers()
    {
        var goldens = FixtureGoldens.Load("tiny-qwen3");
        using var session = Qwen3Session.Open(TestModels.FusedFixture("tiny-qwen3"), new SessionSettings { HostFixedCacheLimitBytes = 1024 });
        Assert.IsTrue(session.UsesFixedCache);

        using (var cache = session.CreateCache(1, capacity: 100))
        {
            Assert.IsNull(cache.Capacity, "2 layers × 2 kv heads × 32 dims × 100 positions × 2 × 4 bytes is over 1 KiB: a growing cache");
        }

        using var generator = new Qwen3Engine(session);
        foreach (var testCase in goldens.Cases)
        {
            var (ids, _) = generator.GenerateAll(new GenerationRequest { Prompts = [testCase.PromptIds], MaxNewTokens = testCase.GreedyNewIds.Length });
            CollectionAssert.AreEqual(testCase.GreedyNewIds, ids[0].ToArray(), $"prompt of {testCase.PromptIds.Length} tokens");
        }
    }

    [TestMethod]
    public void TheFixedCacheReportsItsCapacityAndRefusesMoreThanTheContext()
    {
        using var session = Qwen3Session.Open(TestModels.FusedFixture("tiny-qwen3"), Fixed);

        using (var cache = session.CreateCache(2, capacity: 100))
        {
            Assert.IsGreaterThanOrEqualTo(100, cache.Capacity!.Value);
        }

        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => session.CreateCache(1, session.MaxSequenceLength + 1));
        StringAssert.Contains(error.Message, "exceeds the model's context");
    }

    [TestMethod]
    public void AQuantizedMoeWhoseExpertsDoNotFillCudasTileIsRefusedForCudaNamingTheField()
    {
        string folder = TestModels.Int4HalfFixture("tiny-qwen3-moe");
        var cuda = new SessionSettings { ExecutionProvider = ExecutionProviderKind.Cuda, ExecutionProviderLibrary = "/no/such/provider.so" };

        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3Session.Open(folder, cuda));

        StringAssert.Contains(error.Message, folder);
        StringAssert.Contains(error.Message, "moe_intermediate_size to be a multiple of 64 (this model's is 32)");
    }

    [TestMethod]
    public void CudaGraphCaptureIsRefusedWithoutTheCudaProvider()
    {
        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3Session.Open(TestModels.FusedFixture("tiny-qwen3"), Fixed with { CudaGraph = true }));

        StringAssert.Contains(error.Message, "CUDA graph capture needs the CUDA execution provider");
    }

    [TestMethod]
    public void PortableGraphsKeepTheGrowingCache()
    {
        using var session = Qwen3Session.Open(TestModels.Fixture("tiny-qwen3"), Fixed);

        Assert.IsFalse(session.UsesFixedCache, "the portable graph concatenates past ‖ new and cannot append in place");
        using var cache = session.CreateCache(1, capacity: 64);
        Assert.IsNull(cache.Capacity);
    }
}
