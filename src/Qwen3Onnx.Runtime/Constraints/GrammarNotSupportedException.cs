namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>A schema or tool list that constrained decoding cannot enforce, with the part of the request it came from.</summary>
public sealed class GrammarNotSupportedException : NotSupportedException
{
    public GrammarNotSupportedException(GrammarPart part, string message, Exception? inner = null)
        : base(message, inner)
    {
        Part = part;
    }

    public GrammarPart Part { get; }
}
