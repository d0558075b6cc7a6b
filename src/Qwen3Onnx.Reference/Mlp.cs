using System.Numerics.Tensors;

namespace Qwen3Onnx.Reference;

/// <summary>SwiGLU: y = down(silu(gate(x)) ⊙ up(x)).</summary>
internal sealed class Mlp : IFeedForward
{
    private readonly Linear _gate; // [inter, hidden]
    private readonly Linear _up;   // [inter, hidden]
    private readonly Linear _down; // [hidden, inter]
    private readonly float[] _gated;
    private readonly float[] _upped;

    public Mlp(Linear gate, Linear up, Linear down)
    {
        _gate = gate;
        _up = up;
        _down = down;
        _gated = new float[gate.OutFeatures];
        _upped = new float[up.OutFeatures];
    }

    public void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        _gate.Apply(x, _gated);                        // [inter]
        _up.Apply(x, _upped);                          // [inter]
        Silu(_gated);
        TensorPrimitives.Multiply(_gated, _upped, _gated);
        _down.Apply(_gated, y);                        // [hidden]
    }

    /// <summary>silu(v) = v · sigmoid(v).</summary>
    private static void Silu(Span<float> values)
    {
        foreach (ref float v in values)
        {
            v /= 1f + MathF.Exp(-v);
        }
    }
}
