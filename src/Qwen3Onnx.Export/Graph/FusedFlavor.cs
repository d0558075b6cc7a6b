using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// ONNX Runtime contrib ops (docs/FUSED_OPS.md): packed q‖k‖v and gate‖up projections, SimplifiedLayerNormalization / SkipSimplifiedLayerNormalization,
/// GroupQueryAttention with RoPE applied outside, MoE / QMoE, and — when <paramref name="weightFormat"/> is set —
/// MatMulNBits projections and a GatherBlockQuantized embedding for tied checkpoints.
/// </summary>
internal sealed class FusedFlavor(BlockQuantizationFormat? weightFormat) : GraphFlavor
{
    public override string Name => "fused";

    public override IEmbeddingEmitter Embedding(GraphBuilder g, WeightMap weights, Qwen3Config config) =>
        weightFormat is { } format && config.TieWordEmbeddings ? new QuantizedEmbedding(g, weights, format) : new GatherEmbedding(g, weights);

    public override IProjectionEmitter Projection(GraphBuilder g, WeightMap weights) =>
        weightFormat is { } format ? new MatMulNBitsProjection(g, weights, format) : new MatMulProjection(g, weights);

    public override IInputProjections InputProjections(GraphBuilder g, IProjectionEmitter projection, Qwen3Config config) =>
        new PackedInputProjections(g, projection, config);

    public override INormEmitter Norm(GraphBuilder g, WeightMap weights, double epsilon) => new FusedRmsNorm(g, weights, epsilon);

    public override IAttentionEmitter Attention(GraphBuilder g, Qwen3Config config, ModelInputs inputs, WeightMap weights, int maxSequenceLength)
    {
        var tables = weights.RotaryTables(config, maxSequenceLength);
        var rotary = new Rotary(g, config, inputs, tables, new RotaryLayout(HeadsAxis: 2, weights.WeightType));
        return new GroupQueryAttentionEmitter(g, config, inputs, rotary, weights.WeightType);
    }

    public override IMoeEmitter Moe(GraphBuilder g, Qwen3Config config, WeightMap weights) =>
        weightFormat is { } format ? new QMoeOperator(g, config, weights, format) : new MoeOperator(g, config, weights);
}
