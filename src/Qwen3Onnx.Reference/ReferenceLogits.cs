using System.Numerics.Tensors;

namespace Qwen3Onnx.Reference;

/// <summary>Logits of one forward call: float32 [batch, sequence, vocab], row-major in <see cref="Values"/>.</summary>
public sealed class ReferenceLogits(int batch, int sequence, int vocab, float[] values)
{
    public int Batch { get; } = batch;

    public int Sequence { get; } = sequence;

    public int Vocab { get; } = vocab;

    /// <summary>All logits flattened [batch, sequence, vocab], the graph's <c>logits</c> output layout.</summary>
    public float[] Values { get; } = values;

    /// <summary>The vocab-wide logits of token <paramref name="position"/> of batch row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> At(int row, int position) =>
        Values.AsSpan(((row * Sequence) + position) * Vocab, Vocab);

    /// <summary>The greedy choice at one position: the arg-max (first index on ties).</summary>
    public int ArgMax(int row, int position) => TensorPrimitives.IndexOfMax(At(row, position));
}
