namespace Qwen3Onnx.Models.Config;

/// <summary>
/// Rotary-embedding inverse frequencies and the attention scaling that multiplies cos/sin, computed as
/// HF transformers 5 does (<c>modeling_rope_utils.py</c>: default, linear and YaRN rope types), in float32 like torch.
/// </summary>
public sealed class RopeFrequencies
{
    private RopeFrequencies(float[] inverseFrequencies, float attentionScaling)
    {
        InverseFrequencies = inverseFrequencies;
        AttentionScaling = attentionScaling;
    }

    /// <summary>head_dim / 2 inverse frequencies.</summary>
    public IReadOnlyList<float> InverseFrequencies { get; }

    /// <summary>Factor applied to cos and sin (YaRN's attention_factor / mscale; 1 otherwise).</summary>
    public float AttentionScaling { get; }

    public static RopeFrequencies For(Qwen3Config config)
    {
        var basePowers = BasePowers(config.HeadDim, config.RopeTheta);
        var scaling = config.RopeScaling;
        return scaling.Type switch
        {
            "yarn" => Yarn(config, basePowers),
            // torch: inv_freq /= factor, a float32 division of the default frequencies.
            "linear" => new RopeFrequencies(basePowers.Select(p => (1f / p) / (float)scaling.Factor).ToArray(), 1f),
            // "dynamic" equals the default until a sequence outgrows max_position_embeddings.
            _ => new RopeFrequencies(basePowers.Select(p => 1f / p).ToArray(), 1f),
        };
    }

    /// <summary>cos and sin for one position, each head_dim/2 long (the rotate-half layout repeats them).</summary>
    public void CosSin(long position, Span<float> cos, Span<float> sin)
    {
        for (int i = 0; i < InverseFrequencies.Count; i++)
        {
            // torch multiplies positions and inverse frequencies in float32 before cos/sin.
            float angle = (float)position * InverseFrequencies[i];
            cos[i] = (float)Math.Cos(angle) * AttentionScaling;
            sin[i] = (float)Math.Sin(angle) * AttentionScaling;
        }
    }

    /// <summary>torch: <c>base ** (arange(0, dim, 2).float() / dim)</c>, evaluated in float32.</summary>
    private static float[] BasePowers(int dim, double theta)
    {
        var powers = new float[dim / 2];
        for (int i = 0; i < powers.Length; i++)
        {
            float exponent = (float)(2 * i) / dim;
            powers[i] = (float)Math.Pow(theta, exponent);
        }

        return powers;
    }

    /// <summary>
    /// HF's <c>_compute_yarn_parameters</c>: the explicit <c>factor</c> is used as given;
    /// <c>original_max_position_embeddings</c> (defaulting to max_position_embeddings) only places the correction range.
    /// </summary>
    private static RopeFrequencies Yarn(Qwen3Config config, float[] basePowers)
    {
        var scaling = config.RopeScaling;
        int dim = config.HeadDim;
        double factor = scaling.Factor;
        int originalMax = scaling.OriginalMaxPositionEmbeddings ?? config.MaxPositionEmbeddings;

        // Python's `x or default`: a missing or zero beta falls back to the paper's 32 / 1.
        double betaFast = scaling.BetaFast is { } fast && fast != 0 ? fast : 32;
        double betaSlow = scaling.BetaSlow is { } slow && slow != 0 ? slow : 1;
        var (low, high) = CorrectionRange(betaFast, betaSlow, dim, config.RopeTheta, originalMax, scaling.Truncate);
        if (low == high)
        {
            high += 0.001;
        }

        float lowF = (float)low;
        float span = (float)(high - low);
        float factorF = (float)factor;
        var inverse = new float[dim / 2];
        for (int i = 0; i < inverse.Length; i++)
        {
            float extrapolation = 1f / basePowers[i];
            float interpolation = 1f / (factorF * basePowers[i]);
            float ramp = Math.Clamp((i - lowF) / span, 0f, 1f);
            float extrapolationFactor = 1f - ramp;
            inverse[i] = (interpolation * (1f - extrapolationFactor)) + (extrapolation * extrapolationFactor);
        }

        return new RopeFrequencies(inverse, (float)YarnAttentionFactor(scaling, factor));
    }

    private static double YarnAttentionFactor(RopeScaling scaling, double factor)
    {
        static double MScale(double scale, double mscale) => scale <= 1 ? 1.0 : (0.1 * mscale * Math.Log(scale)) + 1.0;

        if (scaling.AttentionFactor is { } explicitFactor)
        {
            return explicitFactor;
        }

        return scaling.Mscale is { } m && m != 0 && scaling.MscaleAllDim is { } all && all != 0
            ? MScale(factor, m) / MScale(factor, all)
            : MScale(factor, 1.0);
    }

    private static (double Low, double High) CorrectionRange(
        double betaFast, double betaSlow, int dim, double theta, int originalMax, bool truncate)
    {
        double CorrectionDim(double rotations) =>
            dim * Math.Log(originalMax / (rotations * 2 * Math.PI)) / (2 * Math.Log(theta));

        double low = CorrectionDim(betaFast);
        double high = CorrectionDim(betaSlow);
        if (truncate)
        {
            low = Math.Floor(low);
            high = Math.Ceiling(high);
        }

        return (Math.Max(low, 0), Math.Min(high, dim - 1));
    }
}
