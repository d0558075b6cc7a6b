namespace Qwen3Onnx.Export;

/// <summary>Weight and activation precision of an exported graph (logits are float32 either way).</summary>
public enum ExportDType
{
    Fp32,
    Fp16,
}
