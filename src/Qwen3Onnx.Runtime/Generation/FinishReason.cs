namespace Qwen3Onnx.Runtime.Generation;

/// <summary>Why a row stopped generating.</summary>
public enum FinishReason
{
    /// <summary>An end-of-sequence token (or, at the text layer, a stop string) was produced.</summary>
    Stop,

    /// <summary>The new-token limit or the model's context was reached.</summary>
    Length,

    /// <summary>The caller cancelled.</summary>
    Cancelled,
}
