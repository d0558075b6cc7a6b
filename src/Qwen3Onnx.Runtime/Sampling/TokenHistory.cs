namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>
/// What the penalties need to know about one sequence: the distinct ids seen in prompt or output, and how often each
/// id was generated. Cleared in time proportional to what was recorded, not to the vocabulary.
/// </summary>
internal sealed class TokenHistory
{
    private readonly bool[] _seen;
    private readonly int[] _seenIds;
    private readonly int[] _generatedCounts;
    private readonly int[] _generatedIds;
    private int _seenCount;
    private int _generatedCount;

    public TokenHistory(int vocabSize)
    {
        _seen = new bool[vocabSize];
        _seenIds = new int[vocabSize];
        _generatedCounts = new int[vocabSize];
        _generatedIds = new int[vocabSize];
    }

    /// <summary>Distinct ids in prompt or output, in first-seen order.</summary>
    public ReadOnlySpan<int> SeenIds => _seenIds.AsSpan(0, _seenCount);

    /// <summary>Distinct generated ids, in first-generated order.</summary>
    public ReadOnlySpan<int> GeneratedIds => _generatedIds.AsSpan(0, _generatedCount);

    /// <summary>Times each id (the index) was generated.</summary>
    public ReadOnlySpan<int> GeneratedCounts => _generatedCounts;

    public void Reset(ReadOnlySpan<int> promptIds)
    {
        foreach (var id in SeenIds)
        {
            _seen[id] = false;
        }

        foreach (var id in GeneratedIds)
        {
            _generatedCounts[id] = 0;
        }

        _seenCount = 0;
        _generatedCount = 0;
        foreach (var id in promptIds)
        {
            MarkSeen(CheckId(id));
        }
    }

    public void Accept(int id)
    {
        MarkSeen(CheckId(id));
        if (_generatedCounts[id]++ == 0)
        {
            _generatedIds[_generatedCount++] = id;
        }
    }

    private void MarkSeen(int id)
    {
        if (!_seen[id])
        {
            _seen[id] = true;
            _seenIds[_seenCount++] = id;
        }
    }

    private int CheckId(int id) =>
        (uint)id < (uint)_seen.Length
            ? id
            : throw new ArgumentOutOfRangeException(nameof(id), id, $"token id {id} is outside the vocabulary [0, {_seen.Length})");
}
