using System.Numerics.Tensors;

namespace Qwen3Onnx.Reference;

/// <summary>RMSNorm: y = w ⊙ x / sqrt(mean(x²) + eps), in float32 as HF computes it.</summary>
internal sealed class RmsNorm(float[] weight, float eps)
{
    public void Apply(ReadOnlySpan<float> x, Span<float> y) // x [n] → y [n]; y may alias x
    {
        float meanSquare = TensorPrimitives.SumOfSquares(x) / x.Length;
        float inverseRms = 1f / MathF.Sqrt(meanSquare + eps);
        TensorPrimitives.Multiply(x, inverseRms, y);
        TensorPrimitives.Multiply(y, weight, y);
    }
}
