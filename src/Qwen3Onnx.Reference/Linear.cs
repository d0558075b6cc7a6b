using System.Numerics.Tensors;

namespace Qwen3Onnx.Reference;

/// <summary>A bias-free linear layer, y = W·x, with W in HF layout [out_features, in_features].</summary>
internal sealed class Linear
{
    private readonly float[] _weight; // [out, in]

    public Linear(float[] weight, int outFeatures, int inFeatures)
    {
        _weight = weight;
        OutFeatures = outFeatures;
        InFeatures = inFeatures;
    }

    public int OutFeatures { get; }

    public int InFeatures { get; }

    public void Apply(ReadOnlySpan<float> x, Span<float> y) // x [in] → y [out]
    {
        for (int o = 0; o < OutFeatures; o++)
        {
            y[o] = TensorPrimitives.Dot(_weight.AsSpan(o * InFeatures, InFeatures), x);
        }
    }

    /// <summary>Row <paramref name="index"/> of W, which is what an embedding lookup reads.</summary>
    public ReadOnlySpan<float> Row(long index) => _weight.AsSpan(checked((int)(index * InFeatures)), InFeatures);
}
