namespace Qwen3Onnx.Runtime.Generation;

/// <summary>A finished request's new ids per row (end-of-sequence token included) and why each row stopped.</summary>
public sealed record GeneratedIds(IReadOnlyList<IReadOnlyList<int>> Ids, IReadOnlyList<FinishReason> Finish)
{
    /// <summary>The request's counts and timings.</summary>
    public GenerationStats Stats { get; init; } = new();
}
