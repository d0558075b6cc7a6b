namespace Qwen3Onnx.Runtime.Generation;

/// <summary>
/// One generated token of one batch row. <see cref="Finish"/> is set on the row's last event; a row that
/// ends on an end-of-sequence token reports that token with <see cref="IsEndOfSequence"/> set.
/// <see cref="Logprobs"/> is set when the row's sampling asks for them.
/// </summary>
public readonly record struct TokenEvent(int Row, int TokenId, bool IsEndOfSequence, FinishReason? Finish)
{
    public Sampling.TokenLogprobs? Logprobs { get; init; }
}
