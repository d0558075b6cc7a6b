namespace Qwen3Onnx.Runtime.Generation;

/// <summary>How much work a <see cref="Qwen3Engine"/> takes on at once and how it reports it.</summary>
public sealed record EngineOptions
{
    /// <summary>
    /// Rows decoded together. A request joins the running batch when all its rows fit; one larger than this starts
    /// alone once the batch is empty.
    /// </summary>
    public int MaxBatch { get; init; } = 8;

    /// <summary>Rows waiting beyond the running batch before <see cref="Qwen3Engine.Submit"/> refuses more (<see cref="EngineBusyException"/>).</summary>
    public int MaxQueue { get; init; } = int.MaxValue / 2;

    /// <summary>After the first request reaches an idle engine, how long to wait for others to start with it.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Called on the engine's thread after each step with the number of tokens it delivered (for logging, metrics or
    /// pacing); the next step waits for it to return.
    /// </summary>
    public Action<int>? AfterStep { get; init; }

    /// <summary>Told of admissions, steps, tokens, cancellations and refusals (a server's metrics).</summary>
    public IEngineObserver? Observer { get; init; }
}
