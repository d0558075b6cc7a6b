namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>
/// Drops tokens whose probability is below min-p times the top probability. The ratio of two probabilities
/// is the exponential of their logit difference, so the test is logit &gt;= max logit + ln(min-p).
/// </summary>
internal sealed class MinPWarper(float minP) : ICandidateWarper
{
    private readonly float _logMinP = MathF.Log(minP);

    public void Apply(Candidates candidates) => candidates.KeepAtLeast(candidates.MaxLogit() + _logMinP);
}
