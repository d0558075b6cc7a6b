namespace Qwen3Onnx.Runtime.Session;

/// <summary>
/// One step's inputs, row-major: <paramref name="InputIds"/> and <paramref name="PositionIds"/> are
/// [batch, sequence], <paramref name="AttentionMask"/> is [batch, past + sequence] in its first
/// <see cref="BatchSize"/> × <see cref="TotalLength"/> elements.
/// </summary>
public readonly record struct ForwardBatch(long[] InputIds, long[] AttentionMask, long[] PositionIds, int BatchSize)
{
    public int SequenceLength => InputIds.Length / BatchSize;

    /// <summary>
    /// Past + new positions per row; the whole mask array unless set, so that a decode loop can keep one mask buffer
    /// with room to grow instead of allocating one each step.
    /// </summary>
    public int TotalLength { get; init; } = AttentionMask.Length / BatchSize;
}
