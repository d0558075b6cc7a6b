namespace Qwen3Onnx.Export.Graph;

/// <summary>The ONNX Runtime contrib-op domain (see docs/FUSED_OPS.md for each op's contract).</summary>
internal static class ContribOps
{
    public const string Domain = "com.microsoft";
}
