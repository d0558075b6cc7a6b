namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// One chat turn as Qwen3's template sees it (an OpenAI-style message). <see cref="ReasoningContent"/> is the
/// assistant's thinking when kept apart from <see cref="Content"/>; otherwise the template takes it from a
/// <c>&lt;think&gt;…&lt;/think&gt;</c> prefix of the content.
/// </summary>
public sealed record ChatMessage(ChatMessageRole Role, string Content)
{
    public string? ReasoningContent { get; init; }

    public IReadOnlyList<ChatToolCall> ToolCalls { get; init; } = [];

    /// <summary>For a tool message: the id of the call it answers (carried along; Qwen3's template ignores it).</summary>
    public string? ToolCallId { get; init; }

    /// <summary>For a tool message: the tool's name (carried along; Qwen3's template ignores it).</summary>
    public string? Name { get; init; }
}
