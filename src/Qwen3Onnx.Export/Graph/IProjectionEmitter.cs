using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>How a linear projection y = x·Wᵀ is emitted (MatMul, or MatMulNBits on block-quantized weights).</summary>
internal interface IProjectionEmitter
{
    OnnxValue Project(OnnxValue x, string hfWeightName) => Project(x, PackedLinear.Single(hfWeightName));

    /// <summary>y = x·[W₀; W₁; …]ᵀ: every part's output side by side along the last axis, from one node.</summary>
    OnnxValue Project(OnnxValue x, PackedLinear packed);
}
