using System.Numerics;
using System.Numerics.Tensors;

namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>
/// Finds a wide top-p nucleus without sorting the row: bisects a logit threshold t on the mass of the tokens whose
/// logit is strictly above t, each step one vectorised pass. Used when the nucleus is wider than the sorted prefix
/// that <see cref="TopPWarper"/> tries first.
/// </summary>
internal static class NucleusThreshold
{
    // exp(-128) underflows to 0 in float, so tokens this far below the best carry no weight (and -inf logits stay out of the arithmetic).
    private const float NegligibleBelowMax = 128f;

    /// <summary>
    /// The smallest logit t, to float precision, such that the tokens above t hold less than
    /// <paramref name="targetMass"/>; every token above t is in the nucleus, every token below it is not, and tokens
    /// equal to it are admitted in id order while the mass before them is still below the target.
    /// </summary>
    /// <param name="known">A logit already known to leave less than the target above it (e.g. the last of a sorted prefix).</param>
    public static float Find(ReadOnlySpan<float> logits, ReadOnlySpan<float> weights, double targetMass, float known, float maxLogit)
    {
        var below = Math.Max(float.BitDecrement(TensorPrimitives.Min(logits)), maxLogit - NegligibleBelowMax);
        var above = known;
        while (true)
        {
            var middle = below + ((above - below) / 2);
            if (middle <= below || middle >= above)
            {
                return above;
            }

            if (MassAbove(logits, weights, middle) < targetMass)
            {
                above = middle;
            }
            else
            {
                below = middle;
            }
        }
    }

    /// <summary>Sum of the weights whose logit is strictly greater than <paramref name="threshold"/>.</summary>
    public static double MassAbove(ReadOnlySpan<float> logits, ReadOnlySpan<float> weights, float threshold)
    {
        var width = Vector<float>.Count;
        var limit = new Vector<float>(threshold);
        var sums = Vector<float>.Zero;
        var i = 0;
        for (; i <= logits.Length - width; i += width)
        {
            var above = Vector.GreaterThan(new Vector<float>(logits.Slice(i, width)), limit);
            sums += Vector.ConditionalSelect(above, new Vector<float>(weights.Slice(i, width)), Vector<float>.Zero);
        }

        double mass = Vector.Sum(sums);
        for (; i < logits.Length; i++)
        {
            mass += logits[i] > threshold ? weights[i] : 0;
        }

        return mass;
    }
}
