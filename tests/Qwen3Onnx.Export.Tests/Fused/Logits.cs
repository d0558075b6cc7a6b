namespace Qwen3Onnx.Export.Tests.Fused;

/// <summary>Comparisons of logits [position][vocab].</summary>
internal static class Logits
{
    public static double MaxAbsDifference(float[][] expected, float[][] actual) =>
        expected.Zip(actual).Max(pair => pair.First.Zip(pair.Second).Max(x => Math.Abs(x.First - x.Second)));

    /// <summary>The smallest cosine similarity between matching positions.</summary>
    public static double MinCosine(float[][] expected, float[][] actual) =>
        expected.Zip(actual).Min(pair => Cosine(pair.First, pair.Second));

    /// <summary>The mean cosine similarity between matching positions.</summary>
    public static double MeanCosine(float[][] expected, float[][] actual) =>
        expected.Zip(actual).Average(pair => Cosine(pair.First, pair.Second));

    /// <summary>The mean KL divergence KL(softmax(expected) ‖ softmax(actual)) over positions, in nats.</summary>
    public static double MeanKl(float[][] expected, float[][] actual) =>
        expected.Zip(actual).Average(pair => Kl(pair.First, pair.Second));

    /// <summary>The share of positions whose argmax agrees.</summary>
    public static double TopOneAgreement(float[][] expected, float[][] actual) =>
        expected.Zip(actual).Average(pair => Argmax(pair.First) == Argmax(pair.Second) ? 1.0 : 0.0);

    public static int Argmax(float[] row) => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);

    private static double Kl(float[] p, float[] q)
    {
        double[] logP = LogSoftmax(p);
        double[] logQ = LogSoftmax(q);
        double kl = 0;
        for (int i = 0; i < p.Length; i++)
        {
            kl += Math.Exp(logP[i]) * (logP[i] - logQ[i]);
        }

        return kl;
    }

    private static double[] LogSoftmax(float[] row)
    {
        double max = row.Max();
        double logSum = max + Math.Log(row.Sum(x => Math.Exp(x - max)));
        return [.. row.Select(x => x - logSum)];
    }

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
