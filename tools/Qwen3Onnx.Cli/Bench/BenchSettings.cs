namespace Qwen3Onnx.Cli.Bench;

/// <summary>What <c>qwen3-onnx bench</c> measures: the model, its flavour, the workload and where it runs.</summary>
public sealed record BenchSettings
{
    /// <summary>An export folder (with qwen3-onnx.json) or a preset name (then <see cref="SyntheticWeights"/> is required).</summary>
    public required string Model { get; init; }

    public bool SyntheticWeights { get; init; }

    public ulong Seed { get; init; } = 1;

    /// <summary>Passed as text to the exporter's parser, so every precision it learns is measurable here at once.</summary>
    public string DType { get; init; } = "fp32";

    public string Graph { get; init; } = "portable";

    /// <summary>int4/int8 activation precision (fp32, fp16, bf16); null keeps the exporter's default.</summary>
    public string? Activations { get; init; }

    /// <summary>int4/int8 quantization block size; null keeps the exporter's default (32).</summary>
    public int? BlockSize { get; init; }

    /// <summary>int4 output-projection bits (4 or 8); null keeps the exporter's default (8).</summary>
    public int? OutputBits { get; init; }

    /// <summary>Capture decode steps as a CUDA graph (CUDA only).</summary>
    public bool CudaGraph { get; init; }

    /// <summary>Fixed in-place key/value buffers; null: the session's default (on for fused graphs on CUDA).</summary>
    public bool? FixedKvCache { get; init; }

    public int PromptTokens { get; init; } = 32;

    public int NewTokens { get; init; } = 128;

    public int Batch { get; init; } = 1;

    public string ExecutionProvider { get; init; } = "cpu";

    public string? ExecutionProviderLibrary { get; init; }

    public int Threads { get; init; }

    public int Warmup { get; init; } = 1;

    public int Reps { get; init; } = 3;

    public string? ExportCache { get; init; }

    /// <summary>Write ONNX Runtime's per-node profile of the measured reps to a file starting with this prefix.</summary>
    public string? ProfilePrefix { get; init; }

    /// <summary>Decode greedily under this JSON Schema (a file), to measure what the grammar mask costs.</summary>
    public string? JsonSchemaFile { get; init; }

    /// <summary>Where the tokenizer for <see cref="JsonSchemaFile"/> is; null: the export folder.</summary>
    public string? TokenizerFolder { get; init; }

    /// <summary>Throws <see cref="Models.Qwen3OnnxException"/> naming the first option out of range.</summary>
    public BenchSettings Validate()
    {
        RequireAtLeast("--prompt-tokens", PromptTokens, 1);
        RequireAtLeast("--new-tokens", NewTokens, 1);
        RequireAtLeast("--batch", Batch, 1);
        RequireAtLeast("--reps", Reps, 1);
        RequireAtLeast("--warmup", Warmup, 0);
        RequireAtLeast("--threads", Threads, 0);
        if (TokenizerFolder is not null && JsonSchemaFile is null)
        {
            throw new Models.Qwen3OnnxException("--tokenizer is only used with --json-schema");
        }

        return this;
    }

    private static void RequireAtLeast(string option, int value, int minimum)
    {
        if (value < minimum)
        {
            throw new Models.Qwen3OnnxException($"{option} must be at least {minimum} (got {value})");
        }
    }
}
