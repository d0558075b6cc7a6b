namespace Qwen3Onnx.Runtime.Session;

/// <summary>How to open an exported model: execution provider and threading. Validated once by <see cref="Qwen3Session"/>.</summary>
public sealed record SessionSettings
{
    public ExecutionProviderKind ExecutionProvider { get; init; } = ExecutionProviderKind.Cpu;

    /// <summary>
    /// A plugin execution-provider library (e.g. <c>libonnxruntime_providers_cuda.so</c>) registered with
    /// <c>OrtEnv.RegisterExecutionProviderLibrary</c>; when null the provider built into the native package is used.
    /// </summary>
    public string? ExecutionProviderLibrary { get; init; }

    public int DeviceId { get; init; }

    /// <summary>Intra-op threads; 0 lets ONNX Runtime pick (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Fail instead of silently running unsupported nodes on the CPU (GPU tests set this).</summary>
    public bool DisableCpuFallback { get; init; }

    /// <summary>
    /// Keep the key/value cache in one fixed past/present buffer per layer, sized to the generation's length, that the
    /// fused graph's GroupQueryAttention appends to in place. Null: on for fused graphs on the CPU and CUDA, off for
    /// DirectML and portable graphs.
    /// </summary>
    public bool? FixedKvCache { get; init; }

    /// <summary>
    /// Largest fixed cache, in bytes, that host memory (the CPU provider) reserves up front for one generation; a longer
    /// request grows its cache step by step instead, so asking for many new tokens does not reserve gigabytes at once.
    /// Device caches are not limited (a CUDA graph needs the fixed buffers).
    /// </summary>
    public long HostFixedCacheLimitBytes { get; init; } = 1L << 30;

    /// <summary>Capture each decode step as a CUDA graph and replay it (CUDA only; needs the fixed cache).</summary>
    public bool CudaGraph { get; init; }

    /// <summary>
    /// Record ONNX Runtime's per-node profile (a Chrome trace JSON) to a file starting with this prefix; it is written
    /// when the session is disposed or <see cref="Qwen3Session.EndProfiling"/> is called.
    /// </summary>
    public string? ProfilePrefix { get; init; }

    public static SessionSettings Parse(string ep, string? library = null) => new()
    {
        ExecutionProvider = ep.ToLowerInvariant() switch
        {
            "cpu" => ExecutionProviderKind.Cpu,
            "cuda" => ExecutionProviderKind.Cuda,
            "dml" or "directml" => ExecutionProviderKind.DirectML,
            _ => throw new Models.Qwen3OnnxException($"unknown execution provider '{ep}' (expected cpu, cuda or dml)"),
        },
        ExecutionProviderLibrary = library,
    };
}
