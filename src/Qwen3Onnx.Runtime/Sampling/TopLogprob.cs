namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>One of the most likely tokens at a step and its log-probability.</summary>
public readonly record struct TopLogprob(int TokenId, float Logprob);
