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

    /// <summary>A block reaching −8 steps uses the one-sided code 0, so a 16-level grid comes back exactly.</summary>
    [TestMethod]
    public void NegativeExtremeTakesCodeZeroAndTheFullGridComesBackExactly()
    {
        var row = Enumerable.Range(0, 32).Select(i => (float)((i % 16) - 8) * 0.25f).ToArray();

        var quantized = new BlockQuantizer(BlockQuantizationFormat.Int4, 32).Quantize(row);

        CollectionAssert.AreEqual(new[] { 0.25f }, quantized.Scales);
        Assert.AreEqual(0x10, quantized.Packed[0], "codes 0 and 1 for −2 and −1.75");
        CollectionAssert.AreEqual(row, quantized.Dequantize());
    }

    /// <summary>A block whose extreme is +8 steps flips the scale's sign so that +8 lands on code 0.</summary>
    [TestMethod]
    public void PositiveExtremeTakesANegativeScale()
    {
        var row = Enumerable.Range(0, 32).Select(i => (float)(8 - (i % 16))).ToArray();

        var quantized = new BlockQuantizer(BlockQuantizationFormat.Int4, 32).Quantize(row);

        CollectionAssert.AreEqual(new[] { -1f }, quantized.Scales);
        Assert.AreEqual(0x10, quantized.Packed[0], "codes 0 and 1 for 8 and 7");
        CollectionAssert.AreEqual(row, quantized.Dequantize());
    }

    /// <summary>
    /// ±1 together: the signed-extreme scale −1/8 would clip −1 to 7/8, a whole step off, so it is not admitted; both
    /// extremes come back within half a step of whatever scale wins.
    /// </summary>
    [TestMethod]
    public void OppositeExtremesOfEqualSizeAreNotClipped()
    {
        var row = new float[32];
        row[0] = 1f;
        row[1] = -1f;
        row[2] = 0.3f;

        var quantized = new BlockQuantizer(BlockQuantizationFormat.Int4, 32).Quantize(row);
        var restored = quantized.Dequantize();

        var halfStep = MathF.Abs(quantized.Scales[0]) / 2 * 1.0001f;
        Assert.AreNotEqual(-0.125f, quantized.Scales[0]);
        Assert.AreEqual(1f, restored[0], halfStep);
        Assert.AreEqual(-1f, restored[1], halfStep);
    }

    /// <summary>The searched scale is never worse than the classic max|w| / 7 grid, block by block (computed here independently).</summary>
    [TestMethod]
    public void SearchedScaleHasNoMoreSquaredErrorThanMaxOverSevenInEveryBlock()
    {
        const int Columns = 256;
        var weight = TestWeights.Uniform(8 * Columns, seed: 11, range: 0.2f);

        var restored = new BlockQuantizer(BlockQuantizationFormat.Int4, Columns).Quantize(weight).Dequantize();

        double searchedTotal = 0, classicTotal = 0;
        for (var start = 0; start < weight.Length; start += 32)
        {
            var block = weight.AsSpan(start, 32);
            var step = block.ToArray().Max(MathF.Abs) / 7;
            double classic = 0, searched = 0;
            for (var i = 0; i < 32; i++)
            {
                var q = MathF.Round(block[i] / step, MidpointRounding.ToEven) * step;
                classic += Math.Pow(block[i] - q, 2);
                searched += Math.Pow(block[i] - restored[start + i], 2);
            }

            Assert.IsLessThanOrEqualTo(classic * (1 + 1e-5), searched, $"block at {start}");
            searchedTotal += searched;
            classicTotal += classic;
        }

        Assert.IsLessThan(0.9 * classicTotal, searchedTotal, "the search should pay off on random blocks");
    }

    /// <summary>
    /// Round-to-nearest on the chosen scale, and the search admits no scale that clips: every element is within half a
    /// step (|scale| / 2; the scale is negative when the block's extreme is positive and takes code 0).
    /// </summary>
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
            var step = MathF.Abs(quantized.Scales[i / blockSize]);
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
