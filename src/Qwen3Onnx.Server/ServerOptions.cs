namespace Qwen3Onnx.Server;

/// <summary>How <c>qwen3-onnx serve</c> listens and how much work it admits.</summary>
public sealed record ServerOptions
{
    public required string ModelFolder { get; init; }

    /// <summary>Loopback unless the operator asks otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 picks a free port (tests).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Rows decoded together in one batch.</summary>
    public int MaxBatch { get; init; } = 8;

    /// <summary>Requests waiting beyond the running batch before new ones get 429.</summary>
    public int MaxQueue { get; init; } = 64;

    /// <summary>When set, every /v1 request must carry <c>Authorization: Bearer KEY</c>.</summary>
    public string? ApiKey { get; init; }

    public long MaxRequestBodyBytes { get; init; } = 1 << 20;

    /// <summary>After the first request of a batch arrives, how long to wait for companions.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The name clients pass as <c>model</c>; defaults to the export folder's name.</summary>
    public string? ModelName { get; init; }

    /// <summary>Which chat template requests render with; a checkpoint template this runtime does not render is refused at startup.</summary>
    public Runtime.Tokenization.ChatTemplateChoice ChatTemplate { get; init; }

    /// <summary>
    /// How long a shutdown lets running and queued requests finish before it ends them with an error (a final SSE
    /// error event and <c>[DONE]</c> for streams, a 503 otherwise).
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the model runs (execution provider, device, threads); the CPU by default.</summary>
    public Runtime.Session.SessionSettings Session { get; init; } = new();

    /// <summary>
    /// Called on the scheduler's thread after each decode step with the number of tokens it delivered (for
    /// logging, metrics or pacing); the next step waits for it to return.
    /// </summary>
    public Action<int>? AfterStep { get; init; }

    public ServerOptions Validate()
    {
        if (MaxBatch < 1 || MaxQueue < 0 || Port is < 0 or > 65535 || MaxRequestBodyBytes < 1024)
        {
            throw new Models.Qwen3OnnxException($"serve: need --max-batch >= 1, --max-queue >= 0 and a port in 0..65535 (got {MaxBatch}, {MaxQueue}, {Port})");
        }

        _ = ShutdownTimeoutOf(ShutdownTimeout.TotalSeconds);
        return this;
    }

    /// <summary>A grace period in seconds (<c>--shutdown-timeout</c>): 0 to 3600; NaN and infinities are refused too.</summary>
    public static TimeSpan ShutdownTimeoutOf(double seconds) =>
        double.IsFinite(seconds) && seconds is >= 0 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new Models.Qwen3OnnxException($"serve: --shutdown-timeout should be between 0 and 3600 seconds (got {seconds})");
}
