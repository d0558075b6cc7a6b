using Qwen3Onnx.Runtime.Generation;

namespace Qwen3Onnx.Runtime;

/// <summary>
/// One finished generation. <see cref="Ids"/> are the new token ids (an end-of-sequence id included);
/// <see cref="Text"/> is the answer and <see cref="Reasoning"/> the thinking, both empty when the export has no tokenizer.
/// </summary>
public sealed record GenerationResult(IReadOnlyList<int> Ids, string Text, string Reasoning, FinishReason FinishReason, GenerationUsage Usage)
{
    /// <summary>The tool calls the answer made (Qwen3's <c>&lt;tool_call&gt;</c> blocks that parsed), in order.</summary>
    public IReadOnlyList<Tokenization.ChatToolCall> ToolCalls { get; init; } = [];

    /// <summary>Each new token's log-probabilities (not the end-of-sequence token's), when <see cref="Sampling.SamplingOptions.TopLogprobs"/> asked for them.</summary>
    public IReadOnlyList<Sampling.TokenLogprobs> Logprobs { get; init; } = [];
}
