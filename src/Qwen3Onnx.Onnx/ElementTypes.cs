using Qwen3Onnx.Onnx.Proto;

namespace Qwen3Onnx.Onnx;

/// <summary>Byte sizes of the ONNX element types this project writes.</summary>
public static class ElementTypes
{
    public static int SizeOf(TensorProto.Types.DataType type) => type switch
    {
        TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Int32 => 4,
        TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Double => 8,
        TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Bfloat16 => 2,
        TensorProto.Types.DataType.Bool or TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Int8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no fixed element size"),
    };
}
