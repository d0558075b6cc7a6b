namespace Qwen3Onnx.Export;

/// <summary>
/// Weight and activation precision of an exported graph (logits are float32 either way). Int4 and Int8 are
/// block-quantized weights (MatMulNBits, QMoE) with float32 activations and KV cache; they need the fused graph.
/// </summary>
public enum ExportDType
{
    Fp32,
    Fp16,

    /// <summary>bfloat16 weights, activations and KV cache: for CUDA only (ONNX Runtime's CPU provider has no bfloat16 kernels).</summary>
    Bf16,
    Int8,
    Int4,
}
