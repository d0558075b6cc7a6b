using Qwen3Onnx.Onnx.Proto;

namespace Qwen3Onnx.Onnx;

/// <summary>
/// One node to emit: its op, inputs (null for an omitted optional input), the types of its outputs,
/// attributes and domain. The builder names the node and its outputs from the current scope.
/// </summary>
public sealed record NodeSpec(string OpType, IReadOnlyList<OnnxValue?> Inputs, IReadOnlyList<TensorType> Outputs)
{
    public IReadOnlyList<AttributeProto> Attributes { get; init; } = [];

    /// <summary>"" for ai.onnx, "com.microsoft" for ONNX Runtime contrib ops.</summary>
    public string Domain { get; init; } = "";
}
