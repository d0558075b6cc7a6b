namespace Qwen3Onnx.Reference;

/// <summary>One layer's attention parameters, grouped so that <see cref="Attention"/> takes one argument.</summary>
internal sealed record AttentionWeights(Linear QProj, Linear KProj, Linear VProj, Linear OProj, RmsNorm QNorm, RmsNorm KNorm);
