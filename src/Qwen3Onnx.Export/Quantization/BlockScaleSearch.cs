using System.Numerics;
using System.Runtime.InteropServices;

namespace Qwen3Onnx.Export.Quantization;

/// <summary>
/// Picks a block's scale by least squared error among a handful of candidates, codes always round-to-nearest:
/// max|w| / MaxMagnitude (the classic grid, always admissible), the signed extreme m over −ZeroPoint − ½ … −ZeroPoint + ¾
/// in quarter steps (m lands on or next to the one-sided code −ZeroPoint, as MLAS and llama.cpp's Q4_0 place it, so all
/// 2^bits levels are used), and the least-squares refit Σw·q / Σq² of the best codes. A candidate is admitted only when
/// every element rounds inside the code range, so no element is ever clipped: |w − q·scale| ≤ |scale| / 2 always.
/// Blocks are whole vectors long (the quantizer pads a short last block with zeros, which round to 0 exactly).
/// </summary>
internal sealed class BlockScaleSearch
{
    /// <summary>What the manifest records.</summary>
    public const string Description = "least-squares-error search, round-to-nearest, no clipping";

    private static readonly float[] ExtremeOffsets = [-0.5f, -0.25f, 0f, 0.25f, 0.5f, 0.75f];

    private readonly float[] _divisors;
    private readonly Vector<float> _lowest;
    private readonly Vector<float> _highest;
    private readonly float _maxMagnitude;

    public BlockScaleSearch(BlockQuantizationFormat format)
    {
        _maxMagnitude = format.MaxMagnitude;
        _divisors = ExtremeOffsets.Select(offset => -format.ZeroPoint + offset).ToArray();
        _lowest = new Vector<float>(-format.ZeroPoint);
        _highest = new Vector<float>(format.MaxMagnitude);
    }

    public float Scale(ReadOnlySpan<float> block)
    {
        var extreme = SignedExtreme(block);
        if (extreme == 0f)
        {
            return 0f;
        }

        var best = MathF.Abs(extreme) / _maxMagnitude;
        TryError(block, best, out var bestError);
        foreach (var divisor in _divisors)
        {
            Consider(block, extreme / divisor, ref best, ref bestError);
        }

        Consider(block, LeastSquaresScale(block, best), ref best, ref bestError);
        return best;
    }

    /// <summary>The value of largest magnitude, with its sign (the positive one on a tie).</summary>
    public static float SignedExtreme(ReadOnlySpan<float> block)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(block);
        var max = vectors[0];
        var min = vectors[0];
        foreach (var v in vectors[1..])
        {
            max = Vector.Max(max, v);
            min = Vector.Min(min, v);
        }

        float high = Max(max), low = -Max(-min);
        return -low > high ? low : high;
    }

    private void Consider(ReadOnlySpan<float> block, float scale, ref float best, ref float bestError)
    {
        if (float.IsFinite(scale) && scale != 0f && TryError(block, scale, out var error) && error < bestError)
        {
            best = scale;
            bestError = error;
        }
    }

    /// <summary>Σ(w − q·scale)² with q = round(w / scale); false when some q falls outside the code range.</summary>
    private bool TryError(ReadOnlySpan<float> block, float scale, out float error)
    {
        var inverse = new Vector<float>(1f / scale);
        var step = new Vector<float>(scale);
        var lowest = _highest;
        var highest = _lowest;
        var sum = Vector<float>.Zero;
        foreach (var v in MemoryMarshal.Cast<float, Vector<float>>(block))
        {
            var q = Vector.Round(v * inverse);
            lowest = Vector.Min(lowest, q);
            highest = Vector.Max(highest, q);
            var residual = v - q * step;
            sum += residual * residual;
        }

        error = Vector.Sum(sum);
        return !Vector.LessThanAny(lowest, _lowest) && !Vector.GreaterThanAny(highest, _highest);
    }

    /// <summary>The scale that minimises Σ(w − q·s)² for the codes q that <paramref name="scale"/> rounds to.</summary>
    private static float LeastSquaresScale(ReadOnlySpan<float> block, float scale)
    {
        var inverse = new Vector<float>(1f / scale);
        var dot = Vector<float>.Zero;
        var norm = Vector<float>.Zero;
        foreach (var v in MemoryMarshal.Cast<float, Vector<float>>(block))
        {
            var q = Vector.Round(v * inverse);
            dot += v * q;
            norm += q * q;
        }

        return Vector.Sum(dot) / Vector.Sum(norm);
    }

    private static float Max(Vector<float> v)
    {
        var max = v[0];
        for (var lane = 1; lane < Vector<float>.Count; lane++)
        {
            max = MathF.Max(max, v[lane]);
        }

        return max;
    }
}
