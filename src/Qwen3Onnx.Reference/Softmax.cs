using System.Numerics.Tensors;

namespace Qwen3Onnx.Reference;

/// <summary>Numerically stable softmax: exp(x − max x) / Σ exp(x − max x).</summary>
internal static class Softmax
{
    public static void InPlace(Span<float> values)
    {
        float max = TensorPrimitives.Max(values);
        TensorPrimitives.Subtract(values, max, values);
        TensorPrimitives.Exp(values, values);
        float sum = TensorPrimitives.Sum(values);
        TensorPrimitives.Divide(values, sum, values);
    }
}
