using System.Text.Json.Serialization;

namespace Qwen3Onnx.Models.Package;

/// <summary>Sampling defaults from the checkpoint's <c>generation_config.json</c> (null where it is silent).</summary>
public sealed record GenerationDefaults
{
    [JsonPropertyName("do_sample")]
    public bool? DoSample { get; init; }

    [JsonPropertyName("temperature")]
    public double? Temperature { get; init; }

    [JsonPropertyName("top_k")]
    public int? TopK { get; init; }

    [JsonPropertyName("top_p")]
    public double? TopP { get; init; }

    [JsonPropertyName("min_p")]
    public double? MinP { get; init; }

    [JsonPropertyName("repetition_penalty")]
    public double? RepetitionPenalty { get; init; }

    [JsonPropertyName("eos_token_id")]
    public IReadOnlyList<int>? EosTokenIds { get; init; }

    [JsonPropertyName("pad_token_id")]
    public int? PadTokenId { get; init; }

    [JsonPropertyName("bos_token_id")]
    public int? BosTokenId { get; init; }
}
