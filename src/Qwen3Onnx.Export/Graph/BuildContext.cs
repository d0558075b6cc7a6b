using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// What a graph build needs: the config, the graph and weight map it writes to, the flavour, the context length, and
/// whether logits are computed for the last position only.
/// </summary>
internal sealed record BuildContext(Qwen3Config Config, GraphBuilder Graph, WeightMap Weights, GraphFlavor Flavor, int MaxSequenceLength)
{
    public bool LastTokenLogitsOnly { get; init; }
}
