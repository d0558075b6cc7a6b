using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Graph;

/// <summary>Where the heads axis sits in the tensors RoPE rotates ([B, H, S, D]: 1; [B, S, H, D]: 2), and their dtype.</summary>
internal sealed record RotaryLayout(int HeadsAxis, DataType ActivationType);
