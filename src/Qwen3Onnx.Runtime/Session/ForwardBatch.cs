namespace Qwen3Onnx.Runtime.Session;

/// <summary>
/// One step's inputs, row-major: <paramref name="InputIds"/> and <paramref name="PositionIds"/> are
/// [batch, sequence], <paramref name="AttentionMask"/> is [batch, past + sequence].
/// </summary>
public readonly record struct ForwardBatch(long[] InputIds, long[] AttentionMask, long[] PositionIds, int BatchSize)
{
    public int SequenceLength => InputIds.Length / BatchSize;

    public int TotalLength => AttentionMask.Length / BatchSize;
}
