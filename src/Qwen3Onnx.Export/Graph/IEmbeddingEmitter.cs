using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Graph;

/// <summary>How the token embedding lookup is emitted (float Gather, or GatherBlockQuantized).</summary>
internal interface IEmbeddingEmitter
{
    /// <summary>input_ids [B, S] → [B, S, hidden].</summary>
    OnnxValue Embed(OnnxValue inputIds);
}
