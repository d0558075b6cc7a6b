using Qwen3Onnx.Models.Config;

namespace Qwen3Onnx.Cli.Bench;

/// <summary>
/// Weights one decode step must stream from memory: every layer's projections (only the routed experts of a MoE
/// layer) and the output projection; the embedding contributes one row, which is negligible.
/// With a memory bandwidth B and b bytes per weight, decode cannot beat B / (b × this) tokens/s.
/// </summary>
public static class WeightTraffic
{
    public static long ParametersReadPerToken(Qwen3Config config)
    {
        long hidden = config.HiddenSize;
        long perLayerAttention = (hidden * config.QueryWidth * 2) + (hidden * config.KeyValueWidth * 2) + (2L * config.HeadDim) + (2 * hidden);
        long total = (hidden * config.VocabSize) + hidden;
        for (int layer = 0; layer < config.NumHiddenLayers; layer++)
        {
            total += perLayerAttention + FeedForward(config, layer);
        }

        return total;
    }

    private static long FeedForward(Qwen3Config config, int layer) =>
        config.IsMoeLayer(layer)
            ? ((long)config.HiddenSize * config.NumExperts) + (3L * config.HiddenSize * config.MoeIntermediateSize * config.NumExpertsPerTok)
            : 3L * config.HiddenSize * config.IntermediateSize;
}
