using Qwen3Onnx.Onnx.Proto;

namespace Qwen3Onnx.Onnx;

/// <summary>A named value in a graph that knows its element type and symbolic shape.</summary>
public sealed record OnnxValue(string Name, TensorProto.Types.DataType ElementType, IReadOnlyList<Dim> Shape)
{
    public int Rank => Shape.Count;

    /// <summary>Dimension <paramref name="axis"/>, negative counting from the end.</summary>
    public Dim this[int axis] => Shape[axis < 0 ? Shape.Count + axis : axis];

    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", Shape)}]";
}
