using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>Standard ONNX ops only (opset 21): runs on any execution provider.</summary>
internal sealed class PortableFlavor : GraphFlavor
{
    public static PortableFlavor Instance { get; } = new();

    public override string Name => "portable";

    public override IEmbeddingEmitter Embedding(GraphBuilder g, WeightMap weights, Qwen3Config config) => new GatherEmbedding(g, weights);

    public override IProjectionEmitter Projection(GraphBuilder g, WeightMap weights) => new MatMulProjection(g, weights);

    public override IInputProjections InputProjections(GraphBuilder g, IProjectionEmitter projection, Qwen3Config config) =>
        new SeparateInputProjections(g, projection, config);

    public override INormEmitter Norm(GraphBuilder g, WeightMap weights, double epsilon) => new PortableRmsNorm(g, weights, epsilon);

    public override IAttentionEmitter Attention(GraphBuilder g, Qwen3Config config, ModelInputs inputs, WeightMap weights, int maxSequenceLength)
    {
        var tables = weights.RotaryTables(config, maxSequenceLength);
        var rotary = new Rotary(g, config, inputs, tables, new RotaryLayout(HeadsAxis: 1, weights.WeightType));
        return new PortableAttention(g, config, inputs, rotary);
    }

    public override IMoeEmitter Moe(GraphBuilder g, Qwen3Config config, WeightMap weights) => new PortableMoe(g, config, weights);
}
