using System.Numerics.Tensors;

namespace Qwen3Onnx.Reference;

/// <summary>
/// One pre-norm decoder layer:
/// h = x + Attention(RmsNorm(x)); y = h + FeedForward(RmsNorm(h)).
/// </summary>
internal sealed class DecoderLayer(RmsNorm inputNorm, Attention attention, RmsNorm postAttentionNorm, IFeedForward feedForward)
{
    public void Apply(Span<float> hidden, int width, RowContext row, ReferenceKvCache cache) // hidden [seq, width], in place
    {
        var normed = new float[hidden.Length];  // [seq, width]
        var mixed = new float[hidden.Length];   // [seq, width]
        ForEachToken(hidden, normed, width, inputNorm.Apply);
        attention.Apply(normed, mixed, row, cache);
        TensorPrimitives.Add(hidden, mixed, hidden);

        ForEachToken(hidden, normed, width, postAttentionNorm.Apply);
        ForEachToken(normed, mixed, width, feedForward.Apply);
        TensorPrimitives.Add(hidden, mixed, hidden);
    }

    private delegate void TokenFunction(ReadOnlySpan<float> x, Span<float> y);

    private static void ForEachToken(ReadOnlySpan<float> x, Span<float> y, int width, TokenFunction function)
    {
        for (int start = 0; start < x.Length; start += width)
        {
            function(x.Slice(start, width), y.Slice(start, width));
        }
    }
}
