using Qwen3Onnx.Models.Config;

namespace Qwen3Onnx.Reference;

/// <summary>
/// RoPE in HF's rotate-half layout: with x = [x₁ | x₂] and c, s the (YaRN-scaled) cos/sin of position·θᵢ,
/// x ↦ [x₁c − x₂s | x₂c + x₁s].
/// </summary>
internal sealed class RotaryEmbedding(Qwen3Config config)
{
    private readonly RopeFrequencies _frequencies = RopeFrequencies.For(config);
    private readonly float[] _cos = new float[config.HeadDim / 2];
    private readonly float[] _sin = new float[config.HeadDim / 2];

    /// <summary>Rotates each head_dim-wide head of <paramref name="heads"/> in place.</summary>
    public void Rotate(Span<float> heads, long position) // heads [n_heads, head_dim]
    {
        _frequencies.CosSin(position, _cos, _sin);
        int half = _cos.Length;
        for (int start = 0; start < heads.Length; start += 2 * half)
        {
            var x1 = heads.Slice(start, half);
            var x2 = heads.Slice(start + half, half);
            for (int i = 0; i < half; i++)
            {
                float a = x1[i];
                float b = x2[i];
                x1[i] = (a * _cos[i]) + (-b * _sin[i]);
                x2[i] = (b * _cos[i]) + (a * _sin[i]);
            }
        }
    }
}
