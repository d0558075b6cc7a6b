namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>Keeps the k largest logits (exactly k: ties at the boundary go to the lower id).</summary>
internal sealed class TopKWarper(int k) : ICandidateWarper
{
    public void Apply(Candidates candidates) => candidates.KeepTop(k);
}
