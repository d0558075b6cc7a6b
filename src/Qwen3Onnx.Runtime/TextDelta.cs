namespace Qwen3Onnx.Runtime;

/// <summary>
/// A piece of streamed text: reasoning (inside <c>&lt;think&gt;…&lt;/think&gt;</c>) or answer, or a completed tool
/// call (empty text, <see cref="ToolCall"/> set). The last delta of a stream has empty text and carries <see cref="Result"/>.
/// </summary>
public sealed record TextDelta(string Text, bool IsReasoning)
{
    /// <summary>Set when a <c>&lt;tool_call&gt;…&lt;/tool_call&gt;</c> block closed and parsed as a call.</summary>
    public Tokenization.ChatToolCall? ToolCall { get; init; }

    /// <summary>Set on the final delta only: ids, full text, finish reason and usage.</summary>
    public GenerationResult? Result { get; init; }
}
