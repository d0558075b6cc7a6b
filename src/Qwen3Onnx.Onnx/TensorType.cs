using Qwen3Onnx.Onnx.Proto;

namespace Qwen3Onnx.Onnx;

/// <summary>Element type and symbolic shape of a node output, before it has a name.</summary>
public sealed record TensorType(TensorProto.Types.DataType ElementType, IReadOnlyList<Dim> Shape);
