namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>A stage that rescales or narrows the candidate tokens (temperature, top-k, top-p, min-p).</summary>
internal interface ICandidateWarper
{
    void Apply(Candidates candidates);
}
