namespace Qwen3Onnx.Models.Weights;

/// <summary>Element types a checkpoint tensor may be stored in.</summary>
public enum TensorDType
{
    Float32,
    Float16,
    BFloat16,
}
