using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>Portable projection: MatMul against the transposed weight.</summary>
internal sealed class MatMulProjection(GraphBuilder g, WeightMap weights) : IProjectionEmitter
{
    public OnnxValue Project(OnnxValue x, PackedLinear packed) => g.MatMul(x, weights.Linear(packed));
}
