using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>How a Qwen3-MoE sparse block mixes its experts (portable gathers, or the MoE / QMoE operators).</summary>
internal interface IMoeEmitter
{
    /// <param name="layer">The decoder layer, naming its expert weights.</param>
    /// <param name="tokens">[N, hidden] in the activation dtype.</param>
    /// <param name="routerLogits">[N, experts] float32, before softmax.</param>
    /// <returns>[N, hidden]: Σ over the chosen experts of routing weight · SwiGLU expert(token).</returns>
    OnnxValue Mix(int layer, OnnxValue tokens, OnnxValue routerLogits);
}
