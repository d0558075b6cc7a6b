using Qwen3Onnx.Export.Quantization;

namespace Qwen3Onnx.Export.Tests.Quantization;

/// <summary>A block-quantized embedding table through ONNX Runtime's CPU GatherBlockQuantized (uint8 data).</summary>
[TestClass]
public sealed class GatherBlockQuantizedOrtTests
{
    [TestMethod]
    [DataRow(4, 32)]
    [DataRow(4, 16)]
    [DataRow(8, 32)]
    public void GatheredRowsEqualDequantizedTableRows(int bits, int blockSize)
    {
        const int Vocab = 10;
        const int Hidden = 64;
        var table = TestWeights.Uniform(Vocab * Hidden, seed: 21 + bits);
        var quantized = new BlockQuantizer(new BlockQuantizationFormat(bits, blockSize), Hidden).Quantize(table);
        long[] ids = [7, 0, 3, 7];

        var y = new SingleNodeModel("GatherBlockQuantized")
            .Initializer("data", quantized.Packed, quantized.GatherBlockQuantizedDataShape)
            .Input("indices", ids, [1, ids.Length])
            .Initializer("scales", quantized.Scales, quantized.GatherBlockQuantizedScalesShape)
            .Attribute("bits", bits)
            .Attribute("block_size", blockSize)
            .Attribute("gather_axis", 0)
            .Attribute("quantize_axis", 1)
            .Run();

        var restored = quantized.Dequantize();
        Assert.HasCount(ids.Length * Hidden, y);
        for (var t = 0; t < ids.Length; t++)
        {
            for (var h = 0; h < Hidden; h++)
            {
                Assert.AreEqual(restored[ids[t] * Hidden + h], y[t * Hidden + h], 1e-6f, $"token {t}, feature {h}");
            }
        }
    }
}
