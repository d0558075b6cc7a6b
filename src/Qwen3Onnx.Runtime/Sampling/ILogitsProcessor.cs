namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>A stage that edits the full logits row in place using the sequence's history (the penalties).</summary>
internal interface ILogitsProcessor
{
    void Apply(Span<float> logits, TokenHistory history);
}
