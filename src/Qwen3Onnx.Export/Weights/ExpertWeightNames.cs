using Qwen3Onnx.Models.Config;
using static Qwen3Onnx.Models.Weights.Qwen3WeightNames;

namespace Qwen3Onnx.Export.Weights;

/// <summary>One MoE layer's per-expert HF weight names and the names of the stacks built from them.</summary>
internal sealed record ExpertWeightNames(string Fc1StackName, string DownStackName, IReadOnlyList<string> Gate, IReadOnlyList<string> Up, IReadOnlyList<string> Down)
{
    public static ExpertWeightNames Of(Qwen3Config config, int layer)
    {
        var experts = Enumerable.Range(0, config.NumExperts).ToList();
        return new ExpertWeightNames(
            Layer(layer, "mlp.experts.gate_up_proj.interleaved"),
            Layer(layer, "mlp.experts.down_proj.stacked"),
            experts.Select(e => ExpertGateProj(layer, e)).ToList(),
            experts.Select(e => ExpertUpProj(layer, e)).ToList(),
            experts.Select(e => ExpertDownProj(layer, e)).ToList());
    }
}
