namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>Divides the candidates' logits by the temperature (&lt; 1 sharpens, &gt; 1 flattens).</summary>
internal sealed class TemperatureWarper(float temperature) : ICandidateWarper
{
    public void Apply(Candidates candidates) => candidates.DivideLogits(temperature);
}
