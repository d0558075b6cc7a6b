using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Onnx;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// RMSNorm as ONNX Runtime's SimplifiedLayerNormalization (float32 accumulation), and a residual add fused with the
/// norm that reads it as com.microsoft SkipSimplifiedLayerNormalization, whose output 3 is the sum.
/// </summary>
internal sealed class FusedRmsNorm(GraphBuilder g, WeightMap weights, double epsilon) : INormEmitter
{
    public OnnxValue RmsNorm(OnnxValue x, string hfWeightName) =>
        g.AddNode(new NodeSpec("SimplifiedLayerNormalization", [x, weights.Norm(hfWeightName, x.ElementType)], [new(x.ElementType, x.Shape)])
        {
            Attributes = [Attributes.Int("axis", -1), Attributes.Float("epsilon", (float)epsilon), Attributes.Int("stash_type", 1)],
        })[0];

    public (OnnxValue Normed, OnnxValue Sum) AddRmsNorm(OnnxValue x, OnnxValue delta, string hfWeightName)
    {
        Dim[] statistics = [.. x.Shape.SkipLast(1), 1];
        var outputs = g.AddNode(new NodeSpec(
            "SkipSimplifiedLayerNormalization",
            [x, delta, weights.Norm(hfWeightName, x.ElementType)],
            [new(x.ElementType, x.Shape), new(DataType.Float, statistics), new(DataType.Float, statistics), new(x.ElementType, x.Shape)])
        {
            Domain = ContribOps.Domain,
            Attributes = [Attributes.Float("epsilon", (float)epsilon)],
        });
        return (outputs[0], outputs[3]);
    }
}
