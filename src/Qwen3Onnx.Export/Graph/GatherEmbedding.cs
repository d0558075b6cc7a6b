using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>Float embedding: Gather rows of the [vocab, hidden] table.</summary>
internal sealed class GatherEmbedding(GraphBuilder g, WeightMap weights) : IEmbeddingEmitter
{
    public OnnxValue Embed(OnnxValue inputIds) => g.Gather(weights.Embedding(), inputIds);
}
