namespace Qwen3Onnx.Reference;

/// <summary>What every layer needs to know about one batch row of one forward call.</summary>
/// <param name="Row">The batch index.</param>
/// <param name="PositionIds">The rotary position of each new token: [seq].</param>
/// <param name="AttentionMask">1 = token, 0 = padding, over past + new: [past + seq].</param>
/// <param name="PastLength">Tokens already in the cache.</param>
internal sealed record RowContext(int Row, long[] PositionIds, long[] AttentionMask, int PastLength)
{
    public int NewTokens => PositionIds.Length;

    public int TotalLength => PastLength + NewTokens;

    /// <summary>Causal and padding mask: the query at absolute index past + i may read key j.</summary>
    public bool MayAttend(int query, int key) => key <= PastLength + query && AttentionMask[key] == 1;
}
