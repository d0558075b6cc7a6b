using Qwen3Onnx.Export.Quantization;

namespace Qwen3Onnx.Export.Tests.Quantization;

[TestClass]
public sealed class BlockQuantizerTests
{
    [TestMethod]
    [DataRow(4, 0.5f)]
    [DataRow(8, 0.03125f)]
    public void ValuesOnTheGridComeBackExactly(int bits, float step)
    {
        var format = new BlockQuantizationFormat(bits, 32);
        var levels = format.MaxMagnitude;
        // Every level −max…max appears, so the block's max|w| is exactly max · step and the scale is step.
        var row = Enumerable.Range(0, 64).Select(i => ((i % (2 * levels + 1)) - levels) * step).ToArray();
        row[63] = levels * step;
        row[31] = -levels * step;

        var quantized = new BlockQuantizer(format, 64).Quantize(row);

        CollectionAssert.AreEqual(new[] { step, step }, quantized.Scales);
        CollectionAssert.AreEqual(row, quantized.Dequantize());
    }

    [TestMethod]
    [DataRow(4, 16)]
    [DataRow(4, 32)]
    [DataRow(4, 128)]
    [DataRow(8, 32)]
    [DataRow(8, 256)]
    public void RandomBlocksDequantizeWithinHalfAStep(int bits, int blockSize)
    {
        const int Columns = 512;
        var weight = TestWeights.Uniform(6 * Columns, seed: bits * 1000 + blockSize, range: 0.2f);
        var quantizer = new BlockQuantizer(new BlockQuantizationFormat(bits, blockSize), Columns);

        var quantized = quantizer.Quantize(weight);
        var restored = quantized.Dequantize();

        for (var i = 0; i < weight.Length; i++)
        {
            var step = quantized.Scales[i / blockSize];
            Assert.AreEqual(weight[i], restored[i], step / 2 * 1.0001f, $"element {i}");
        }
    }

    [TestMethod]
    public void Int4BlobsStoreTheFirstValueInTheLowNibble()
    {
        // Two blocks of 16. Block 0: max|w| = 7 → scale 1, codes w + 8. Block 1: only 0.5 → scale 0.5 / 7, code 15.
        var row = new float[32];
        row[0] = 1f;
        row[1] = -7f;
        row[2] = 7f;
        row[16] = 0.5f;

        var quantized = new BlockQuantizer(new BlockQuantizationFormat(4, 16), 32).Quantize(row);

        byte[] expected =
        [
            0x19, 0x8F, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88,
            0x8F, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88,
        ];
        CollectionAssert.AreEqual(expected, quantized.Packed);
        CollectionAssert.AreEqual(new[] { 1f, 0.5f / 7 }, quantized.Scales);
        CollectionAssert.AreEqual(new long[] { 1, 2, 8 }, quantized.MatMulNBitsWeightShape);
    }

    [TestMethod]
    public void Int8BlobsStoreOneCodePerByteAroundZeroPoint128()
    {
        var row = new float[16];
        row[0] = 127f;
        row[1] = -127f;
        row[2] = 3f;

        var quantized = new BlockQuantizer(new BlockQuantizationFormat(8, 16), 16).Quantize(row);

        var expected = Enumerable.Repeat((byte)128, 16).ToArray();
        expected[0] = 255;
        expected[1] = 1;
        expected[2] = 131;
        CollectionAssert.AreEqual(expected, quantized.Packed);
        CollectionAssert.AreEqual(new[] { 1f }, quantized.Scales);
    }

    [TestMethod]
    public void ShortLastBlockIsPaddedWithTheZeroCode()
    {
        // Both blocks reach ±7, so their scale is 1 and every value is on the grid.
        var row = Enumerable.Range(0, 32).Select(i => (float)((i % 15) - 7)).Concat([-7f, -3f, 0f, 1f, 2f, 5f, 6f, 7f]).ToArray();

        var quantized = new BlockQuantizer(new BlockQuantizationFormat(4, 32), 40).Quantize(row);

        Assert.HasCount(32, quantized.Packed);
        Assert.IsTrue(quantized.Packed.AsSpan(20).ToArray().All(b => b == 0x88), "padding bytes");
        CollectionAssert.AreEqual(row, quantized.Dequantize());
    }

    [TestMethod]
    public void AllZeroBlockGetsScaleZeroAndZeroCodes()
    {
        var quantized = new BlockQuantizer(BlockQuantizationFormat.Int4, 32).Quantize(new float[32]);

        CollectionAssert.AreEqual(new[] { 0f }, quantized.Scales);
        Assert.IsTrue(quantized.Packed.All(b => b == 0x88));
    }

    [TestMethod]
    public void RowSlicesQuantizeLikeTheWholeMatrix()
    {
        const int Columns = 96;
        var weight = TestWeights.Uniform(10 * Columns, seed: 7);
        var quantizer = new BlockQuantizer(BlockQuantizationFormat.Int4, Columns);
        var whole = quantizer.Quantize(weight);

        var packed = new byte[10 * quantizer.BytesPerRow];
        var scales = new float[10 * quantizer.BlocksPerRow];
        foreach (var (start, end) in new[] { (0, 3), (3, 7), (7, 10) })
        {
            quantizer.QuantizeRows(
                weight.AsSpan(start * Columns, (end - start) * Columns),
                packed.AsSpan(start * quantizer.BytesPerRow, (end - start) * quantizer.BytesPerRow),
                scales.AsSpan(start * quantizer.BlocksPerRow, (end - start) * quantizer.BlocksPerRow));
        }

        CollectionAssert.AreEqual(whole.Packed, packed);
        CollectionAssert.AreEqual(whole.Scales, scales);
    }

    [TestMethod]
    public void OutputSliceOfTheWrongSizeIsRejected()
    {
        var quantizer = new BlockQuantizer(BlockQuantizationFormat.Int4, 64);

        Assert.ThrowsExactly<ArgumentException>(() => quantizer.QuantizeRows(new float[128], new byte[63], new float[4]));
    }

    [TestMethod]
    [DataRow(3, 32)]
    [DataRow(4, 24)]
    [DataRow(4, 512)]
    public void UnsupportedFormatIsRejected(int bits, int blockSize) =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new BlockQuantizationFormat(bits, blockSize));
}
