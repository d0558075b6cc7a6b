using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Onnx;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// RMSNorm in float32 whatever the activation dtype:
/// <code>
///   x ─Cast(f32)─┬─ Mul(x,x) ─ ReduceMean(-1) ─ Add(eps) ─ Sqrt ─ Reciprocal ─┐
///                └──────────────────────────────────────────────────────── Mul ─ Mul(w) ─ Cast(T)
/// </code>
/// </summary>
internal sealed class PortableRmsNorm(GraphBuilder g, WeightMap weights, double epsilon) : INormEmitter
{
    public OnnxValue RmsNorm(OnnxValue x, string hfWeightName)
    {
        var xf = g.Cast(x, DataType.Float);
        var meanSquare = g.ReduceMean(g.Mul(xf, xf), -1);
        var inverseRms = g.Reciprocal(g.Sqrt(g.Add(meanSquare, g.Scalar((float)epsilon))));
        var normalised = g.Mul(g.Mul(xf, inverseRms), weights.Norm(hfWeightName));
        return g.Cast(normalised, x.ElementType);
    }

    public (OnnxValue Normed, OnnxValue Sum) AddRmsNorm(OnnxValue x, OnnxValue delta, string hfWeightName)
    {
        var sum = g.Add(x, delta);
        return (RmsNorm(sum, hfWeightName), sum);
    }
}
