using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>One MoE layer's expert weights stacked for Gather: gate and up [E, hidden, inter], down [E, inter, hidden].</summary>
internal sealed record ExpertStacks(OnnxValue Gate, OnnxValue Up, OnnxValue Down);
