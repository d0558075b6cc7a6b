using Qwen3Onnx.Export.Quantization;

namespace Qwen3Onnx.Export.Tests.Quantization;

/// <summary>Runs our packed weights through ONNX Runtime's CPU MatMulNBits and checks Y = X · dequantize(W)ᵀ.</summary>
[TestClass]
public sealed class MatMulNBitsOrtTests
{
    private const int Tokens = 3;
    private const int N = 24;

    [TestMethod]
    [DataRow(4, 32, 64, 0)]
    [DataRow(4, 16, 64, 0)]
    [DataRow(4, 32, 40, 0)]
    [DataRow(8, 32, 64, 0)]
    [DataRow(4, 32, 64, 4)]
    [DataRow(8, 32, 64, 4)]
    public void OutputEqualsInputTimesDequantizedWeight(int bits, int blockSize, int k, int accuracyLevel)
    {
        var weight = TestWeights.Uniform(N * k, seed: 11 * k + bits);
        var x = TestWeights.Uniform(Tokens * k, seed: 5, range: 2f);
        var quantized = new BlockQuantizer(new BlockQuantizationFormat(bits, blockSize), k).Quantize(weight);

        var y = new SingleNodeModel("MatMulNBits")
            .Input("A", x, [1, Tokens, k])
            .Initializer("B", quantized.Packed, quantized.MatMulNBitsWeightShape)
            .Initializer("scales", quantized.Scales, quantized.MatMulNBitsScalesShape)
            .Attribute("K", k)
            .Attribute("N", N)
            .Attribute("bits", bits)
            .Attribute("block_size", blockSize)
            .Attribute("accuracy_level", accuracyLevel)
            .Run();

        var expected = TestWeights.MatMulTransposed(x, quantized.Dequantize(), Tokens, k);
        var tolerances = accuracyLevel == 4 ? Int8ActivationErrorBound(x, quantized.Dequantize(), k, blockSize) : null;
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], y[i], tolerances?[i] ?? 1e-4f, $"Y[{i}]");
        }
    }

    [TestMethod]
    public void FlatScalesOfOlderDocsAreAccepted()
    {
        const int K = 64;
        var weight = TestWeights.Uniform(N * K, seed: 3);
        var x = TestWeights.Uniform(K, seed: 4);
        var quantized = new BlockQuantizer(BlockQuantizationFormat.Int4, K).Quantize(weight);

        var y = new SingleNodeModel("MatMulNBits")
            .Input("A", x, [1, K])
            .Initializer("B", quantized.Packed, quantized.MatMulNBitsWeightShape)
            .Initializer("scales", quantized.Scales, [quantized.Scales.Length])
            .Attribute("K", K)
            .Attribute("N", N)
            .Attribute("bits", 4)
            .Attribute("block_size", 32)
            .Run();

        var expected = TestWeights.MatMulTransposed(x, quantized.Dequantize(), 1, K);
        for (var i = 0; i < N; i++)
        {
            Assert.AreEqual(expected[i], y[i], 1e-4f, $"Y[{i}]");
        }
    }

    /// <summary>
    /// accuracy_level 4 rounds A to int8 per block (scale = block max|a| / 127), so each product term may be off by
    /// |w| · half an activation step; the bound sums that over K (plus float slack).
    /// </summary>
    private static float[] Int8ActivationErrorBound(float[] x, float[] w, int k, int blockSize)
    {
        var bounds = new float[Tokens * N];
        for (var m = 0; m < Tokens; m++)
        {
            for (var n = 0; n < N; n++)
            {
                var bound = 0.0;
                for (var i = 0; i < k; i++)
                {
                    var blockStart = i / blockSize * blockSize;
                    var blockMax = x.AsSpan(m * k + blockStart, Math.Min(blockSize, k - blockStart)).ToArray().Max(MathF.Abs);
                    bound += Math.Abs(w[n * k + i]) * blockMax / 127 / 2;
                }

                bounds[m * N + n] = (float)bound * 1.01f + 1e-4f;
            }
        }

        return bounds;
    }
}
