using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>The graph inputs every block may read.</summary>
internal sealed record ModelInputs(
    OnnxValue InputIds,
    OnnxValue AttentionMask,
    OnnxValue PositionIds,
    IReadOnlyList<(OnnxValue Key, OnnxValue Value)> Past);
