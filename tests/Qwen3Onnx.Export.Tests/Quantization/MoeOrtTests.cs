using Qwen3Onnx.Export.Quantization;

namespace Qwen3Onnx.Export.Tests.Quantization;

/// <summary>
/// Pins the expert weight layout the graph builder uses for Qwen3-MoE: ORT's CPU MoE / QMoE against a hand-written
/// Qwen3 sparse block. fc1 = gate/up interleaved [E, 2·inter, hidden] (swiglu_fusion 1), fc2 = down [E, hidden, inter],
/// router_probs = raw router logits, activation_alpha 1 and activation_beta 0 for plain SiLU gating.
/// </summary>
[TestClass]
public sealed class MoeOrtTests
{
    private int Hidden = 64;
    private int Inter = 32;
    private int Experts = 4;
    private int TopK = 2;
    private int Tokens = 5;

    [TestMethod]
    public void FloatMoeMatchesQwen3SparseBlock()
    {
        var reference = RandomMoe();
        var (x, logits) = Inputs(reference);

        var y = WithRoutingAttributes(new SingleNodeModel("MoE"))
            .Input("input", x, [Tokens, Hidden])
            .Input("router_probs", logits, [Tokens, Experts])
            .Initializer("fc1_experts_weights", StackFc1(reference), [Experts, 2 * Inter, Hidden])
            .Absent()
            .Initializer("fc2_experts_weights", reference.Down.SelectMany(d => d).ToArray(), [Experts, Hidden, Inter])
            .Run();

        AssertClose(reference.Forward(x, logits), y, 1e-4f);
    }

    [TestMethod]
    [DataRow(4, 2, 5)]
    [DataRow(16, 4, 3)]
    [DataRow(16, 4, 100)]
    [DataRow(8, 1, 7)]
    [DataRow(6, 6, 9)]
    public void UnnormalizedRoutingKeepsTheSoftmaxWeights(int experts, int topK, int tokens)
    {
        (Experts, TopK, Tokens) = (experts, topK, tokens);
        var reference = RandomMoe() with { NormTopKProb = false };
        var (x, logits) = Inputs(reference);

        var y = WithRoutingAttributes(new SingleNodeModel("MoE"), normalize: false)
            .Input("input", x, [Tokens, Hidden])
            .Input("router_probs", logits, [Tokens, Experts])
            .Initializer("fc1_experts_weights", StackFc1(reference), [Experts, 2 * Inter, Hidden])
            .Absent()
            .Initializer("fc2_experts_weights", reference.Down.SelectMany(d => d).ToArray(), [Experts, Hidden, Inter])
            .Run();

        AssertClose(reference.Forward(x, logits), y, 1e-4f);
    }

    [TestMethod]
    [DataRow(4, 32)]
    [DataRow(4, 16)]
    [DataRow(8, 32)]
    [DataRow(4, 32, 40, 24)]
    [DataRow(8, 32, 40, 24)]
    [DataRow(4, 16, 24, 40)]
    public void QuantizedMoeMatchesQwen3SparseBlockOnDequantizedWeights(int bits, int blockSize, int hidden = 64, int inter = 32)
    {
        (Hidden, Inter) = (hidden, inter);
        var format = new BlockQuantizationFormat(bits, blockSize);
        var source = RandomMoe();
        var fc1 = Quantize(format, 2 * Inter, Hidden, e => Fused(source, e));
        var fc2 = Quantize(format, Hidden, Inter, e => source.Down[e]);
        var dequantized = source with
        {
            Gate = Enumerable.Range(0, Experts).Select(e => Deinterleave(fc1.DequantizeExpert(e), even: true)).ToArray(),
            Up = Enumerable.Range(0, Experts).Select(e => Deinterleave(fc1.DequantizeExpert(e), even: false)).ToArray(),
            Down = Enumerable.Range(0, Experts).Select(fc2.DequantizeExpert).ToArray(),
        };
        var (x, logits) = Inputs(source);

        var y = WithRoutingAttributes(new SingleNodeModel("QMoE"))
            .Attribute("expert_weight_bits", bits)
            .Attribute("block_size", blockSize)
            .Input("input", x, [Tokens, Hidden])
            .Input("router_probs", logits, [Tokens, Experts])
            .Initializer("fc1_experts_weights", fc1.Packed, fc1.WeightShape)
            .Initializer("fc1_scales", fc1.Scales, fc1.ScalesShape)
            .Absent()
            .Initializer("fc2_experts_weights", fc2.Packed, fc2.WeightShape)
            .Initializer("fc2_scales", fc2.Scales, fc2.ScalesShape)
            .Run();

        // 8-bit experts always run with int8 activations on CPU (no fp32 kernel), so they get a relative bound.
        var expected = dequantized.Forward(x, logits);
        var scale = expected.Max(MathF.Abs);
        AssertClose(expected, y, bits == 8 ? 0.02f * scale : 1e-3f);
    }

    private SingleNodeModel WithRoutingAttributes(SingleNodeModel model, bool normalize = true) => model
        .Attribute("k", TopK)
        .Attribute("activation_type", "swiglu")
        .Attribute("swiglu_fusion", 1)
        .Attribute("activation_alpha", 1f)
        .Attribute("activation_beta", 0f)
        .Attribute("normalize_routing_weights", normalize ? 1 : 0)
        .Attribute("use_sparse_mixer", 0);

    private Qwen3MoeReference RandomMoe() => new(
        Hidden,
        Inter,
        TopK,
        Enumerable.Range(0, Experts).Select(e => TestWeights.Uniform(Inter * Hidden, seed: 300 + e, range: 0.3f)).ToArray(),
        Enumerable.Range(0, Experts).Select(e => TestWeights.Uniform(Inter * Hidden, seed: 400 + e, range: 0.3f)).ToArray(),
        Enumerable.Range(0, Experts).Select(e => TestWeights.Uniform(Hidden * Inter, seed: 500 + e, range: 0.3f)).ToArray());

    private (float[] X, float[] Logits) Inputs(Qwen3MoeReference moe)
    {
        var x = TestWeights.Uniform(Tokens * Hidden, seed: 600);
        var router = TestWeights.Uniform(Experts * Hidden, seed: 601);
        return (x, TestWeights.MatMulTransposed(x, router, Tokens, Hidden));
    }

    private float[] Fused(Qwen3MoeReference moe, int expert)
    {
        var fused = new float[2 * Inter * Hidden];
        SwiGluFusion.InterleaveGateUp(moe.Gate[expert], moe.Up[expert], Hidden, fused);
        return fused;
    }

    private float[] StackFc1(Qwen3MoeReference moe) =>
        Enumerable.Range(0, Experts).SelectMany(e => Fused(moe, e)).ToArray();

    private QuantizedExperts Quantize(BlockQuantizationFormat format, int rows, int columns, Func<int, float[]> expertWeight)
    {
        var quantizer = new ExpertQuantizer(format, Experts, rows, columns);
        for (var e = 0; e < Experts; e++)
        {
            quantizer.QuantizeExpert(e, expertWeight(e));
        }

        return quantizer.Result;
    }

    private float[] Deinterleave(float[] fused, bool even) =>
        Enumerable.Range(0, Inter).SelectMany(i => fused.AsSpan((2 * i + (even ? 0 : 1)) * Hidden, Hidden).ToArray()).ToArray();

    private static void AssertClose(float[] expected, float[] actual, float delta)
    {
        Assert.HasCount(expected.Length, actual);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], delta, $"output[{i}]");
        }
    }
}
