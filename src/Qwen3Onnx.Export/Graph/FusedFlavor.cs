using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// ONNX Runtime contrib ops (docs/FUSED_OPS.md): packed q‖k‖v and gate‖up projections, SimplifiedLayerNormalization /
/// SkipSimplifiedLayerNormalization, RotaryEmbedding + GroupQueryAttention, MoE / QMoE, and — when <paramref name="recipe"/> is set —
/// MatMulNBits projections and a GatherBlockQuantized embedding for tied checkpoints.
/// </summary>
internal sealed class FusedFlavor(QuantizationRecipe? recipe) : GraphFlavor
{
    public override string Name => "fused";

    /// <summary>ONNX Runtime's GroupQueryAttention kernels (CPU and CUDA) refuse head sizes that are not a multiple of 8.</summary>
    public override void Require(Qwen3Config config)
    {
        if (config.HeadDim % 8 != 0)
        {
            throw new Qwen3OnnxException(
                $"head_dim {config.HeadDim}: the fused graph's GroupQueryAttention needs a multiple of 8; export with --graph portable (fp32/fp16/bf16)");
        }
    }

    public override IEmbeddingEmitter Embedding(GraphBuilder g, WeightMap weights, Qwen3Config config) =>
        recipe is { } r && config.TieWordEmbeddings ? new QuantizedEmbedding(g, weights, r.Output) : new GatherEmbedding(g, weights);

    public override IProjectionEmitter Projection(GraphBuilder g, WeightMap weights) =>
        recipe is { } r ? new MatMulNBitsProjection(g, weights, r) : new MatMulProjection(g, weights);

    public override IInputProjections InputProjections(GraphBuilder g, IProjectionEmitter projection, Qwen3Config config) =>
        new PackedInputProjections(g, projection, config);

    public override INormEmitter Norm(GraphBuilder g, WeightMap weights, double epsilon) => new FusedRmsNorm(g, weights, epsilon);

    public override IAttentionEmitter Attention(GraphBuilder g, Qwen3Config config, ModelInputs inputs, WeightMap weights, int maxSequenceLength)
    {
        var caches = weights.RotaryTables(config, maxSequenceLength, weights.WeightType);
        return new GroupQueryAttentionEmitter(g, config, inputs, new FusedRotary(g, config, inputs, caches), weights.WeightType);
    }

    public override IMoeEmitter Moe(GraphBuilder g, Qwen3Config config, WeightMap weights) =>
        recipe is { } r ? new QMoeOperator(g, config, weights, r.Layers) : new MoeOperator(g, config, weights);
}
