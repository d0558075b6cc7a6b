namespace Qwen3Onnx.Export.Tests.Quantization;

/// <summary>
/// Pins ORT's RMSNorm contrib ops on CPU against y = x / sqrt(mean(x²) + ε) · γ: SimplifiedLayerNormalization
/// (ONNX domain, ORT-internal) and com.microsoft SkipSimplifiedLayerNormalization, whose 4th output is input + skip.
/// </summary>
[TestClass]
public sealed class RmsNormOrtTests
{
    private const int Hidden = 32;
    private const int Tokens = 3;
    private const float Epsilon = 1e-6f;

    [TestMethod]
    public void SimplifiedLayerNormalizationIsRmsNorm()
    {
        var x = TestWeights.Uniform(Tokens * Hidden, seed: 41, range: 3f);
        var gamma = TestWeights.Uniform(Hidden, seed: 42);

        var y = new SingleNodeModel("SimplifiedLayerNormalization", domain: string.Empty)
            .Input("X", x, [1, Tokens, Hidden])
            .Initializer("scale", gamma, [Hidden])
            .Attribute("axis", -1)
            .Attribute("epsilon", Epsilon)
            .Attribute("stash_type", 1)
            .Run();

        AssertClose(RmsNorm(x, gamma), y);
    }

    [TestMethod]
    public void SkipSimplifiedLayerNormalizationNormalizesTheSumAndReturnsItAsOutput3()
    {
        var x = TestWeights.Uniform(Tokens * Hidden, seed: 43, range: 3f);
        var skip = TestWeights.Uniform(Tokens * Hidden, seed: 44, range: 3f);
        var gamma = TestWeights.Uniform(Hidden, seed: 45);
        var sum = x.Zip(skip, (a, b) => a + b).ToArray();

        var outputs = new SingleNodeModel("SkipSimplifiedLayerNormalization")
            .Input("input", x, [1, Tokens, Hidden])
            .Input("skip", skip, [1, Tokens, Hidden])
            .Initializer("gamma", gamma, [Hidden])
            .Attribute("epsilon", Epsilon)
            .Output(string.Empty)
            .Output(string.Empty)
            .Output("input_skip_bias_sum")
            .RunAll();

        AssertClose(RmsNorm(sum, gamma), outputs["Y"]);
        AssertClose(sum, outputs["input_skip_bias_sum"]);
    }

    private static float[] RmsNorm(float[] x, float[] gamma)
    {
        var y = new float[x.Length];
        for (var t = 0; t < x.Length / Hidden; t++)
        {
            var row = x.AsSpan(t * Hidden, Hidden);
            var meanSquare = 0.0;
            foreach (var v in row)
            {
                meanSquare += (double)v * v / Hidden;
            }

            var inverse = 1 / Math.Sqrt(meanSquare + Epsilon);
            for (var h = 0; h < Hidden; h++)
            {
                y[t * Hidden + h] = (float)(row[h] * inverse * gamma[h]);
            }
        }

        return y;
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.HasCount(expected.Length, actual);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-5f, $"[{i}]");
        }
    }
}
