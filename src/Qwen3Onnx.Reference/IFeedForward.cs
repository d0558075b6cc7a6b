namespace Qwen3Onnx.Reference;

/// <summary>The per-token feed-forward half of a decoder layer: a dense SwiGLU MLP or a mixture of experts.</summary>
internal interface IFeedForward
{
    void Apply(ReadOnlySpan<float> x, Span<float> y); // x [hidden] → y [hidden]
}
