namespace Qwen3Onnx.Models.Config;

/// <summary>
/// Rotary-embedding inverse frequencies and the attention scaling that multiplies cos/sin, computed as
/// HF transformers does (default, linear and YaRN rope types), in float32 like torch.
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

    /// <summary>Factor applied to cos and sin (YaRN's mscale; 1 otherwise).</summary>
    public float AttentionScaling { get; }

    public static RopeFrequencies For(Qwen3Config config)
    {
        int dim = config.HeadDim;
        double theta = config.RopeTheta;
        var scaling = config.RopeScaling;
        var basePowers = new double[dim / 2];
        for (int i = 0; i < basePowers.Length; i++)
        {
            // torch: base ** (arange(0, dim, 2).float() / dim), evaluated in float32.
            float exponent = (float)(2 * i) / dim;
            basePowers[i] = (float)Math.Pow(theta, exponent);
        }

        return scaling.Type switch
        {
            "yarn" => Yarn(config, basePowers),
            "linear" => new RopeFrequencies(basePowers.Select(p => (float)(1.0 / (p * scaling.Factor))).ToArray(), 1f),
            _ => new RopeFrequencies(basePowers.Select(p => (float)(1.0 / p)).ToArray(), 1f),
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

    private static RopeFrequencies Yarn(Qwen3Config config, double[] basePowers)
    {
        var scaling = config.RopeScaling;
        int dim = config.HeadDim;
        double theta = config.RopeTheta;
        double factor = scaling.Factor;
        int originalMax = config.MaxPositionEmbeddings;
        if (scaling.OriginalMaxPositionEmbeddings is { } original)
        {
            // HF: checkpoints that enlarge max_position_embeddings scale by the ratio, not by 'factor'.
            originalMax = original;
            factor = (double)config.MaxPositionEmbeddings / original;
        }

        static double MScale(double scale, double mscale = 1.0) => scale <= 1 ? 1.0 : (0.1 * mscale * Math.Log(scale)) + 1.0;

        double attentionFactor = scaling.AttentionFactor
            ?? (scaling.Mscale is { } m && scaling.MscaleAllDim is { } mAll && m != 0 && mAll != 0
                ? MScale(factor, m) / MScale(factor, mAll)
                : MScale(factor));
        double betaFast = scaling.BetaFast is { } bf && bf != 0 ? bf : 32;
        double betaSlow = scaling.BetaSlow is { } bs && bs != 0 ? bs : 1;

        double CorrectionDim(double rotations) =>
            dim * Math.Log(originalMax / (rotations * 2 * Math.PI)) / (2 * Math.Log(theta));

        double low = CorrectionDim(betaFast);
        double high = CorrectionDim(betaSlow);
        if (scaling.Truncate)
        {
            low = Math.Floor(low);
            high = Math.Ceiling(high);
        }

        low = Math.Max(low, 0);
        high = Math.Min(high, dim - 1);
        if (low == high)
        {
            high += 0.001;
        }

        var inverse = new float[dim / 2];
        for (int i = 0; i < inverse.Length; i++)
        {
            float extrapolation = (float)(1.0 / basePowers[i]);
            float interpolation = (float)(1.0 / (factor * basePowers[i]));
            float ramp = (float)Math.Clamp((i - low) / (high - low), 0, 1);
            float extrapolationFactor = 1f - ramp;
            inverse[i] = (interpolation * (1f - extrapolationFactor)) + (extrapolation * extrapolationFactor);
        }

        return new RopeFrequencies(inverse, (float)attentionFactor);
    }
}
