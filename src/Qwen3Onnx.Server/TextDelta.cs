namespace Qwen3Onnx.Server;

/// <summary>New text of one response: visible content and reasoning (either may be empty).</summary>
public readonly record struct TextDelta(string Content, string Reasoning)
{
    public static TextDelta Empty { get; } = new("", "");

    public bool IsEmpty => Content.Length == 0 && Reasoning.Length == 0;
}
