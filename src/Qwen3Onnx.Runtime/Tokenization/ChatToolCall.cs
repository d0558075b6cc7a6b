namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// A function call made by the assistant. <paramref name="Arguments"/> is JSON text rendered verbatim, as the
/// template does with a string; arguments given as an object are first written the way Python's json.dumps
/// would (see <see cref="ChatMessagesJson"/>).
/// </summary>
public sealed record ChatToolCall(string Name, string Arguments)
{
    public string? Id { get; init; }
}
