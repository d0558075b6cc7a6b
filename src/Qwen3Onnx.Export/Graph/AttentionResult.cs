using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>Attention's context [batch, seq, heads × head_dim] and the layer's present key/value.</summary>
internal sealed record AttentionResult(OnnxValue Context, OnnxValue PresentKey, OnnxValue PresentValue);
