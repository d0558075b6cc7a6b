namespace Qwen3Onnx.Models.Weights;

/// <summary>Name, element type and shape of one checkpoint tensor (row-major, HF layout).</summary>
public sealed record TensorInfo(string Name, TensorDType DType, IReadOnlyList<long> Shape)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
