namespace Qwen3Onnx.Runtime;

/// <summary>Token counts and timings of one generation (for a batch, the timings are the batch's).</summary>
public sealed record GenerationUsage(int PromptTokens, int NewTokens, TimeSpan TimeToFirstToken, TimeSpan Elapsed)
{
    /// <summary>New tokens per second of generation, prefill included.</summary>
    public double TokensPerSecond => Elapsed.TotalSeconds > 0 ? NewTokens / Elapsed.TotalSeconds : 0;
}
