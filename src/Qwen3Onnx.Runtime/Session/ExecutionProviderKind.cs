namespace Qwen3Onnx.Runtime.Session;

/// <summary>The ONNX Runtime execution provider a session runs on.</summary>
public enum ExecutionProviderKind
{
    Cpu,
    Cuda,
    DirectML,
}
