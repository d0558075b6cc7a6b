namespace Qwen3Onnx.Export.Tests.Fused;

/// <summary>Comparisons of logits [position][vocab].</summary>
internal static class Logits
{
    public static double MaxAbsDifference(float[][] expected, float[][] actual) =>
        expected.Zip(actual).Max(pair => pair.First.Zip(pair.Second).Max(x => Math.Abs(x.First - x.Second)));

    /// <summary>The smallest cosine similarity between matching positions.</summary>
    public static double MinCosine(float[][] expected, float[][] actual) =>
        expected.Zip(actual).Min(pair => Cosine(pair.First, pair.Second));

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(aa * bb);
    }
}
