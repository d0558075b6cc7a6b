namespace Qwen3Onnx.Export.Tests.Quantization;

/// <summary>Seeded pseudo-random weights and the float products the tests compare ORT against.</summary>
internal static class TestWeights
{
    public static float[] Uniform(int count, int seed, float range = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * range);
        }

        return values;
    }

    /// <summary>y[m, n] = Σ_k x[m, k] · w[n, k], in double.</summary>
    public static float[] MatMulTransposed(float[] x, float[] w, int rows, int k)
    {
        var n = w.Length / k;
        var y = new float[rows * n];
        for (var m = 0; m < rows; m++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = 0.0;
                for (var i = 0; i < k; i++)
                {
                    sum += (double)x[m * k + i] * w[j * k + i];
                }

                y[m * n + j] = (float)sum;
            }
        }

        return y;
    }
}
