using Qwen3Onnx.Models;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>The engine's batch and queue are full (<see cref="EngineOptions.MaxBatch"/> + <see cref="EngineOptions.MaxQueue"/> rows); retry later.</summary>
public sealed class EngineBusyException(string message) : Qwen3OnnxException(message);
