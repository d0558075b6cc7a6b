using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qwen3Onnx.Cli.Bench;

/// <summary>Medians over the measured reps of one bench run, plus what was measured; serialized as one JSON line.</summary>
public sealed record BenchResult
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    [JsonPropertyName("model")] public required string Model { get; init; }

    [JsonPropertyName("dtype")] public required string DType { get; init; }

    [JsonPropertyName("graph")] public required string Graph { get; init; }

    /// <summary>Activation and key/value dtype (float16 for an int4 export with fp16 activations).</summary>
    [JsonPropertyName("kv_dtype")] public string KvDType { get; init; } = "float32";

    /// <summary>The export's quantization block size (int4/int8), null for float exports.</summary>
    [JsonPropertyName("block_size")] public int? BlockSize { get; init; }

    /// <summary>Bits of the output projection (lm_head or tied embedding) of an int4/int8 export, null for float exports.</summary>
    [JsonPropertyName("output_bits")] public int? OutputBits { get; init; }

    [JsonPropertyName("fixed_kv_cache")] public bool FixedKvCache { get; init; }

    [JsonPropertyName("cuda_graph")] public bool CudaGraph { get; init; }

    [JsonPropertyName("ep")] public required string ExecutionProvider { get; init; }

    [JsonPropertyName("threads")] public int Threads { get; init; }

    [JsonPropertyName("batch")] public int Batch { get; init; }

    [JsonPropertyName("prompt_tokens")] public int PromptTokens { get; init; }

    [JsonPropertyName("new_tokens")] public int NewTokens { get; init; }

    [JsonPropertyName("reps")] public int Reps { get; init; }

    /// <summary>Prompt tokens of all rows per second of the first step (prefill plus the first token's sampling).</summary>
    [JsonPropertyName("prefill_tok_s")] public double PrefillTokensPerSecond { get; init; }

    /// <summary>Tokens of all rows per second over the decode steps (the first token excluded).</summary>
    [JsonPropertyName("decode_tok_s")] public double DecodeTokensPerSecond { get; init; }

    [JsonPropertyName("ttft_ms")] public double TimeToFirstTokenMs { get; init; }

    [JsonPropertyName("host_overhead_us_per_step")] public double HostOverheadUsPerStep { get; init; }

    [JsonPropertyName("sampling_us_per_token")] public double SamplingUsPerToken { get; init; }

    [JsonPropertyName("peak_rss_mib")] public double PeakRssMib { get; init; }

    /// <summary>False when the peak could not be reset after an in-process export, so it may include the export.</summary>
    [JsonPropertyName("peak_rss_after_reset")] public bool PeakRssAfterReset { get; init; }

    /// <summary>Peak GPU memory (NVML) on a CUDA run, null elsewhere; see <see cref="GpuMemoryScope"/>.</summary>
    [JsonPropertyName("gpu_memory_mib")] public double? GpuMemoryMib { get; init; }

    /// <summary>"process" (this process's allocation) or "device" (the device's use less what was in use before the session).</summary>
    [JsonPropertyName("gpu_memory_scope")] public string? GpuMemoryScope { get; init; }

    [JsonPropertyName("model_bytes")] public long ModelBytes { get; init; }

    [JsonPropertyName("parameters_read_per_token")] public long ParametersReadPerToken { get; init; }

    /// <summary>The grammar decoding ran under (--json-schema), or null.</summary>
    [JsonPropertyName("constraint")] public string? Constraint { get; init; }

    [JsonPropertyName("export_folder")] public required string ExportFolder { get; init; }

    /// <summary>ONNX Runtime's profile of the session (warm-up and measured reps), when asked for with --profile.</summary>
    [JsonPropertyName("profile_file")] public string? ProfileFile { get; init; }

    public string ToJsonLine() => JsonSerializer.Serialize(this, JsonOptions);
}
