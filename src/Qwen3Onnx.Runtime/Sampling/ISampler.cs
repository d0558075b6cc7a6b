namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>Picks the next token of one sequence from its logits row and remembers what it has seen.</summary>
public interface ISampler
{
    /// <summary>Chooses a token from one row of logits (as wide as the vocabulary); the row is not modified.</summary>
    int Sample(ReadOnlySpan<float> logits);

    /// <summary>Records a token appended to the sequence (sampled or forced), for the penalties.</summary>
    void Accept(int token);

    /// <summary>Starts a new sequence: forgets the output, remembers the prompt, and rewinds a fixed seed.</summary>
    void Reset(ReadOnlySpan<int> promptIds);
}
