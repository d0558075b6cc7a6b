using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>A row asking to join a <see cref="RunningBatch"/>: its prompt, its own sampling, its token limit and its stop ids.</summary>
public sealed record BatchRowRequest
{
    public required IReadOnlyList<int> Prompt { get; init; }

    public SamplingOptions Sampling { get; init; } = new() { Greedy = true };

    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Token ids that end the row; null takes the model's end-of-sequence ids.</summary>
    public IReadOnlyCollection<int>? StopTokenIds { get; init; }
}
