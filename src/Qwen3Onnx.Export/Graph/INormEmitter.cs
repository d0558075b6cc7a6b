using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>How RMSNorm over the last axis, alone or after a residual add, is emitted.</summary>
internal interface INormEmitter
{
    OnnxValue RmsNorm(OnnxValue x, string hfWeightName);

    /// <summary>sum = x + delta (the new residual stream) and RmsNorm(sum).</summary>
    (OnnxValue Normed, OnnxValue Sum) AddRmsNorm(OnnxValue x, OnnxValue delta, string hfWeightName);
}
