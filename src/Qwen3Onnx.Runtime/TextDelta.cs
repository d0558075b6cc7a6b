namespace Qwen3Onnx.Runtime;

/// <summary>
/// A piece of streamed text: reasoning (inside <c>&lt;think&gt;…&lt;/think&gt;</c>) or answer. The last delta of a
/// stream has empty text and carries <see cref="Result"/>.
/// </summary>
public sealed record TextDelta(string Text, bool IsReasoning)
{
    /// <summary>Set on the final delta only: ids, full text, finish reason and usage.</summary>
    public GenerationResult? Result { get; init; }
}
