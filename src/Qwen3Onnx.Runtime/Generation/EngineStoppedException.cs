using Qwen3Onnx.Models;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>The engine is stopping or stopped: the request came too late, or was still running when its grace period ended.</summary>
public sealed class EngineStoppedException(string message) : Qwen3OnnxException(message);
