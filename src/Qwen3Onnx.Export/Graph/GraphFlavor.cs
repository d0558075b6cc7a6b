using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// A graph flavour: the emitters for embedding, projections (and how those sharing an input are grouped), norms, attention and MoE blocks, chosen once per export.
/// "portable" uses standard ONNX ops only; "fused" swaps in ONNX Runtime contrib ops.
/// </summary>
internal abstract class GraphFlavor
{
    public abstract string Name { get; }

    /// <summary>Throws <see cref="Models.Qwen3OnnxException"/> naming the config field this flavour's ops cannot take.</summary>
    public virtual void Require(Qwen3Config config)
    {
    }

    public abstract IEmbeddingEmitter Embedding(GraphBuilder g, WeightMap weights, Qwen3Config config);

    public abstract IProjectionEmitter Projection(GraphBuilder g, WeightMap weights);

    public abstract IInputProjections InputProjections(GraphBuilder g, IProjectionEmitter projection, Qwen3Config config);

    public abstract INormEmitter Norm(GraphBuilder g, WeightMap weights, double epsilon);

    public abstract IAttentionEmitter Attention(GraphBuilder g, Qwen3Config config, ModelInputs inputs, WeightMap weights, int maxSequenceLength);

    public abstract IMoeEmitter Moe(GraphBuilder g, Qwen3Config config, WeightMap weights);
}
