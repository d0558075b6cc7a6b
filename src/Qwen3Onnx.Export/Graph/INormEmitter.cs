using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>How RMSNorm over the last axis is emitted (portable ops; later SimplifiedLayerNormalization).</summary>
internal interface INormEmitter
{
    OnnxValue RmsNorm(OnnxValue x, string hfWeightName);
}
