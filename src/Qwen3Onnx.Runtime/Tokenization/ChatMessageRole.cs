namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>The roles Qwen3's chat template renders; the template writes them lower-case.</summary>
public enum ChatMessageRole
{
    System,
    User,
    Assistant,
    Tool,
}
