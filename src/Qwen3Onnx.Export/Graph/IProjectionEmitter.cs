using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>How a linear projection y = x·Wᵀ is emitted (portable MatMul; later int4 MatMulNBits).</summary>
internal interface IProjectionEmitter
{
    OnnxValue Project(OnnxValue x, string hfWeightName);
}
