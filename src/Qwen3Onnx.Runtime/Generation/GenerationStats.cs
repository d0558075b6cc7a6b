namespace Qwen3Onnx.Runtime.Generation;

/// <summary>Timings of one generation, for tokens/s, time to first token and the loop's host overhead.</summary>
public sealed class GenerationStats
{
    public int PromptTokens { get; internal set; }

    public int GeneratedTokens { get; internal set; }

    /// <summary>From the rows' admission to their first tokens (for a <see cref="RunningBatch"/>, time inside its Admit calls).</summary>
    public TimeSpan Prefill { get; internal set; }

    /// <summary>From the first tokens to the last, wall clock (for a <see cref="RunningBatch"/>, time inside its Step calls).</summary>
    public TimeSpan Decode { get; internal set; }

    /// <summary>Time spent inside ONNX Runtime's Run during decode steps.</summary>
    public TimeSpan DecodeRun { get; internal set; }

    /// <summary>Time spent sampling (all rows, all steps).</summary>
    public TimeSpan Sampling { get; internal set; }

    public int DecodeSteps { get; internal set; }

    public double DecodeTokensPerSecond => Decode.TotalSeconds > 0 ? (GeneratedTokens - FirstStepTokens) / Decode.TotalSeconds : 0;

    public double PrefillTokensPerSecond => Prefill.TotalSeconds > 0 ? PromptTokens / Prefill.TotalSeconds : 0;

    /// <summary>Per decode step: step wall time minus time in Run.</summary>
    public TimeSpan HostOverheadPerStep => DecodeSteps > 0 ? (Decode - DecodeRun) / DecodeSteps : TimeSpan.Zero;

    internal int FirstStepTokens { get; set; }
}
