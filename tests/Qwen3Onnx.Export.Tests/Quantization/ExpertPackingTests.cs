using Qwen3Onnx.Export.Quantization;

namespace Qwen3Onnx.Export.Tests.Quantization;

[TestClass]
public sealed class ExpertPackingTests
{
    [TestMethod]
    public void GateAndUpRowsAlternateInTheFusedWeight()
    {
        float[] gate = [1, 2, 3, 4];
        float[] up = [10, 20, 30, 40];
        var fused = new float[8];

        SwiGluFusion.InterleaveGateUp(gate, up, hidden: 2, fused);

        CollectionAssert.AreEqual(new float[] { 1, 2, 10, 20, 3, 4, 30, 40 }, fused);
    }

    [TestMethod]
    public void EachExpertLandsAtItsOffsetInTheStack()
    {
        const int Rows = 8;
        const int Columns = 64;
        var format = new BlockQuantizationFormat(4, 32);
        var experts = Enumerable.Range(0, 3).Select(e => TestWeights.Uniform(Rows * Columns, seed: 100 + e)).ToArray();
        var stack = new ExpertQuantizer(format, 3, Rows, Columns);

        foreach (var e in new[] { 2, 0, 1 })
        {
            stack.QuantizeExpert(e, experts[e]);
        }

        var result = stack.Result;
        CollectionAssert.AreEqual(new long[] { 3, Rows, Columns / 2 }, result.WeightShape);
        CollectionAssert.AreEqual(new long[] { 3, Rows, Columns / 32 }, result.ScalesShape);
        var single = new BlockQuantizer(format, Columns).Quantize(experts[1]);
        CollectionAssert.AreEqual(single.Packed, result.Packed.AsSpan(single.Packed.Length, single.Packed.Length).ToArray());
        CollectionAssert.AreEqual(single.Dequantize(), result.DequantizeExpert(1));
    }

    /// <summary>QMoE reads [E, rows, K · bits / 8] codes with ceil(K / block) scales: a row ending mid-block keeps only its own codes.</summary>
    [TestMethod]
    public void ExpertRowsEndingMidBlockKeepOnlyTheirOwnCodesAndOneScalePerStartedBlock()
    {
        const int Rows = 3;
        const int Columns = 40;
        var format = new BlockQuantizationFormat(4, 32);
        var weight = TestWeights.Uniform(Rows * Columns, seed: 7);
        var stack = new ExpertQuantizer(format, 1, Rows, Columns);
        stack.QuantizeExpert(0, weight);

        var result = stack.Result;
        CollectionAssert.AreEqual(new long[] { 1, Rows, 20 }, result.WeightShape);
        CollectionAssert.AreEqual(new long[] { 1, Rows, 2 }, result.ScalesShape);
        Assert.HasCount(Rows * 20, result.Packed);
        var padded = new BlockQuantizer(format, Columns).Quantize(weight);
        CollectionAssert.AreEqual(padded.Dequantize(), result.DequantizeExpert(0));
        CollectionAssert.AreEqual(padded.Packed.AsSpan(32, 20).ToArray(), result.Packed.AsSpan(20, 20).ToArray());
    }

    [TestMethod]
    public void FourBitExpertRowsMustFillWholeBytes() =>
        Assert.ThrowsExactly<ArgumentException>(() => new ExpertQuantizer(BlockQuantizationFormat.Int4, 2, 4, 41));
}
