namespace Qwen3Onnx.Models.Package;

/// <summary>Which ops the graph may use: standard ONNX only, or ONNX Runtime contrib ops (docs/FUSED_OPS.md).</summary>
public enum ExportGraph
{
    Portable,
    Fused,
}
