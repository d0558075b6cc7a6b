namespace Qwen3Onnx.Reference.Tests;

/// <summary>Test-side drivers for the reference: greedy decoding with the cache, and full recompute without it.</summary>
internal static class Decoding
{
    /// <summary>Prefill, then one token per step; returns the chosen ids and the logits [steps, vocab] each came from.</summary>
    public static (long[] Ids, float[][] StepLogits) GreedyWithCache(Qwen3ReferenceModel model, long[] prompt, int steps)
    {
        var cache = model.CreateCache(1);
        var logits = model.Forward([prompt], [Ones(prompt.Length)], [Range(0, prompt.Length)], cache);
        var ids = new long[steps];
        var stepLogits = new float[steps][];
        for (int step = 0; step < steps; step++)
        {
            stepLogits[step] = logits.At(0, logits.Sequence - 1).ToArray();
            ids[step] = logits.ArgMax(0, logits.Sequence - 1);
            if (step + 1 < steps)
            {
                int position = cache.Length;
                logits = model.Forward([[ids[step]]], [Ones(position + 1)], [[position]], cache);
            }
        }

        return (ids, stepLogits);
    }

    /// <summary>The last position's logits from running <paramref name="ids"/> from scratch, no cache reuse.</summary>
    public static float[] LastLogitsWithoutCache(Qwen3ReferenceModel model, long[] ids)
    {
        var logits = model.Forward([ids], [Ones(ids.Length)], [Range(0, ids.Length)], model.CreateCache(1));
        return logits.At(0, ids.Length - 1).ToArray();
    }

    /// <summary>HF's left-padding positions: cumsum(mask) − 1, clamped at 0.</summary>
    public static long[] PositionsFromMask(long[] mask)
    {
        var positions = new long[mask.Length];
        long sum = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            sum += mask[i];
            positions[i] = Math.Max(sum - 1, 0);
        }

        return positions;
    }

    public static long[] Ones(int count) => Enumerable.Repeat(1L, count).ToArray();

    public static long[] Range(long start, int count) => Enumerable.Range(0, count).Select(i => start + i).ToArray();

    public static float MaxAbsDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.AreEqual(expected.Length, actual.Length, "lengths differ");
        float max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        }

        return max;
    }
}
