using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Server;

/// <summary>What a completion request asks of the scheduler and of the text layer, validated.</summary>
public sealed record GenerationSettings
{
    public required int[] Prompt { get; init; }

    public required SamplingOptions Sampling { get; init; }

    public required int MaxTokens { get; init; }

    public IReadOnlyList<string> Stops { get; init; } = [];

    /// <summary>The request's tools, against which the answer's tool calls are read.</summary>
    public IReadOnlyList<Runtime.Tokenization.ChatTool> Tools { get; init; } = [];

    public bool Stream { get; init; }

    public bool IncludeUsage { get; init; }
}
