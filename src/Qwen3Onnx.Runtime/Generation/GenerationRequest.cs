using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>What to generate: one or more token prompts (a batch) and how to pick and stop.</summary>
public sealed record GenerationRequest
{
    public required IReadOnlyList<IReadOnlyList<int>> Prompts { get; init; }

    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Sampling for every row, unless <see cref="RowSampling"/> gives one per row.</summary>
    public SamplingOptions Sampling { get; init; } = new() { Greedy = true };

    public IReadOnlyList<SamplingOptions>? RowSampling { get; init; }

    /// <summary>Token ids that end a row; null takes the model's end-of-sequence ids.</summary>
    public IReadOnlyCollection<int>? StopTokenIds { get; init; }

    public SamplingOptions SamplingFor(int row) => RowSampling is { } perRow ? perRow[row] : Sampling;
}
