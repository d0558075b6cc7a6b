using System.Text.Json.Serialization;

namespace Qwen3Onnx.Models.Config;

/// <summary>
/// Rotary-embedding scaling as HF's <c>rope_scaling</c> / <c>rope_parameters</c> describe it.
/// Only the fields Qwen3 checkpoints use are modelled; <see cref="Type"/> is "default" or "yarn"
/// (also "linear" and "dynamic" are accepted for completeness, the latter applied at its base length).
/// </summary>
public sealed record RopeScaling
{
    public string Type { get; init; } = "default";

    public double Factor { get; init; } = 1.0;

    /// <summary>The pretraining context; YaRN's correction range is placed by it (HF 5 defaults it to max_position_embeddings and keeps the explicit factor).</summary>
    public int? OriginalMaxPositionEmbeddings { get; init; }

    public double? AttentionFactor { get; init; }

    public double? BetaFast { get; init; }

    public double? BetaSlow { get; init; }

    public double? Mscale { get; init; }

    public double? MscaleAllDim { get; init; }

    public bool Truncate { get; init; } = true;

    [JsonIgnore]
    public static RopeScaling Default { get; } = new();

    [JsonIgnore]
    public bool IsYarn => Type == "yarn";
}
