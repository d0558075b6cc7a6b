using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>A row asking to join a <see cref="RunningBatch"/>: its prompt, its own sampling and its token limit.</summary>
public sealed record BatchRowRequest
{
    public required IReadOnlyList<int> Prompt { get; init; }

    public SamplingOptions Sampling { get; init; } = new() { Greedy = true };

    public int MaxNewTokens { get; init; } = 256;
}
