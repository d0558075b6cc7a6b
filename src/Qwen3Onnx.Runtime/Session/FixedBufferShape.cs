using Microsoft.ML.OnnxRuntime.Tensors;

namespace Qwen3Onnx.Runtime.Session;

/// <summary>What a <see cref="FixedKvBuffers"/> set holds: rows × capacity positions of every layer's keys and values.</summary>
internal sealed record FixedBufferShape(int Layers, int BatchSize, int KvHeads, int Capacity, int HeadDim, int VocabSize, TensorElementType KvElementType)
{
    /// <summary>Bytes of every layer's key and value buffers.</summary>
    public long KvBytes => 2L * Layers * BatchSize * KvHeads * Capacity * HeadDim * (KvElementType == TensorElementType.Float ? 4 : 2);
}
