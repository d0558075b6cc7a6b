using Qwen3Onnx.Runtime.Generation;

namespace Qwen3Onnx.Cli.Bench;

/// <summary>The figures of one measured rep, taken from the generator's stats.</summary>
internal readonly record struct RepTiming(
    double PrefillTokensPerSecond, double DecodeTokensPerSecond, double TimeToFirstTokenMs, double HostOverheadUsPerStep, double SamplingUsPerToken)
{
    public static RepTiming From(GenerationStats stats) => new(
        stats.PrefillTokensPerSecond,
        stats.DecodeTokensPerSecond,
        stats.Prefill.TotalMilliseconds,
        stats.HostOverheadPerStep.TotalMicroseconds,
        stats.GeneratedTokens > 0 ? stats.Sampling.TotalMicroseconds / stats.GeneratedTokens : 0);
}
