using System.Numerics.Tensors;

namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>
/// The tokens still in play while the warpers narrow the distribution. It starts as the whole (masked) row, left in
/// place and unsorted, and becomes an explicit list once a filter keeps a subset: sorted best first after top-k or
/// top-p, in id order after a min-p or a wide top-p nucleus that ran on the whole row (no filter sorts after those).
/// Every buffer is vocabulary-sized and reused.
/// </summary>
internal sealed class Candidates
{
    // The draw skips whole chunks by their vectorised sum and walks only the chunk where the target falls.
    private const int DrawChunk = 512;

    private readonly int[] _listIds;
    private readonly float[] _listLogits;
    private readonly float[] _weights;
    private float[] _row = [];
    private int _rowLength;
    private int _count;
    private bool _isWholeRow;
    private bool _isSorted;

    public Candidates(int vocabSize)
    {
        _listIds = new int[vocabSize];
        _listLogits = new float[vocabSize];
        _weights = new float[vocabSize];
    }

    public int Count => _isWholeRow ? _rowLength : _count;

    public bool IsSorted => _isSorted;

    private Span<float> Logits => _isWholeRow ? _row.AsSpan(0, _rowLength) : _listLogits.AsSpan(0, _count);

    /// <summary>Starts from every id below <paramref name="length"/>; the row is edited in place by the warpers.</summary>
    public void StartFrom(float[] row, int length)
    {
        _row = row;
        _rowLength = length;
        _isWholeRow = true;
        _isSorted = false;
    }

    public void DivideLogits(float divisor) => TensorPrimitives.Divide(Logits, divisor, Logits);

    public float MaxLogit() => _isSorted ? _listLogits[0] : TensorPrimitives.Max(Logits);

    /// <summary>Fills the weights exp(logit - max) of the current candidates and returns their sum.</summary>
    public double ComputeWeights()
    {
        var weights = _weights.AsSpan(0, Count);
        TensorPrimitives.Subtract(Logits, MaxLogit(), weights);
        TensorPrimitives.Exp(weights, weights);
        return TensorPrimitives.Sum(weights);
    }

    public void KeepTop(int k) => Truncate(SortTop(Math.Min(k, Count)).Length);

    /// <summary>The <paramref name="n"/> largest logits, sorted best first (selected from the row when needed).</summary>
    public ReadOnlySpan<float> SortTop(int n)
    {
        if (_isWholeRow)
        {
            TopSelection.Select(_row.AsSpan(0, _rowLength), _listIds.AsSpan(0, n), _listLogits.AsSpan(0, n));
        }
        else if (!_isSorted)
        {
            throw new InvalidOperationException("candidates gathered unsorted (min-p, wide top-p) cannot be sorted again; no filter after them sorts");
        }

        return _listLogits.AsSpan(0, n);
    }

    /// <summary>Keeps the first <paramref name="n"/> of the sorted list that <see cref="SortTop"/> produced.</summary>
    public void Truncate(int n)
    {
        _count = n;
        _isWholeRow = false;
        _isSorted = true;
    }

    /// <summary>Keeps the candidates whose logit is at least <paramref name="threshold"/> (always the best one).</summary>
    public void KeepAtLeast(float threshold)
    {
        if (_isSorted)
        {
            var kept = 1;
            while (kept < _count && _listLogits[kept] >= threshold)
            {
                kept++;
            }

            _count = kept;
            return;
        }

        _count = _isWholeRow ? GatherAtLeast(Logits, threshold) : CompactAtLeast(threshold);
        _isWholeRow = false;
    }

    /// <summary>
    /// Keeps the whole-row nucleus of <see cref="NucleusThreshold"/>: every token above the threshold, then tokens equal
    /// to it in id order while the mass before them is below <paramref name="targetMass"/>. Needs <see cref="ComputeWeights"/>.
    /// </summary>
    public void KeepNucleus(double targetMass, float knownAboveTarget, float maxLogit)
    {
        var row = _row.AsSpan(0, _rowLength);
        var weights = _weights.AsSpan(0, _rowLength);
        var threshold = NucleusThreshold.Find(row, weights, targetMass, knownAboveTarget, maxLogit);
        var mass = NucleusThreshold.MassAbove(row, weights, threshold);
        _count = GatherAtLeast(row, float.BitIncrement(threshold));
        for (var id = 0; id < row.Length && mass < targetMass; id++)
        {
            if (row[id] == threshold)
            {
                _listIds[_count] = id;
                _listLogits[_count++] = row[id];
                mass += weights[id];
            }
        }

        _isWholeRow = false;
        _isSorted = false;
    }

    /// <summary>Draws a candidate with probability proportional to exp(logit), from a uniform <paramref name="u"/> in [0, 1).</summary>
    public int Draw(double u)
    {
        var total = ComputeWeights();
        var weights = _weights.AsSpan(0, Count);
        var target = u * total;
        var cumulative = 0.0;
        for (var start = 0; start < weights.Length; start += DrawChunk)
        {
            var chunk = weights.Slice(start, Math.Min(DrawChunk, weights.Length - start));
            var chunkMass = TensorPrimitives.Sum(chunk);
            if (cumulative + chunkMass <= target)
            {
                cumulative += chunkMass;
                continue;
            }

            for (var i = 0; i < chunk.Length; i++)
            {
                cumulative += chunk[i];
                if (cumulative > target)
                {
                    return IdAt(start + i);
                }
            }
        }

        // Float rounding can leave the running sum a hair below the vectorised total.
        return IdAt(weights.LastIndexOfAnyExcept(0f));
    }

    private int IdAt(int index) => _isWholeRow ? index : _listIds[index];

    private int CompactAtLeast(float threshold)
    {
        var count = 0;
        for (var i = 0; i < _count; i++)
        {
            if (_listLogits[i] >= threshold)
            {
                _listIds[count] = _listIds[i];
                _listLogits[count++] = _listLogits[i];
            }
        }

        return count;
    }

    private int GatherAtLeast(ReadOnlySpan<float> row, float threshold)
    {
        var count = 0;
        for (var id = 0; id < row.Length; id++)
        {
            if (row[id] >= threshold)
            {
                _listIds[count] = id;
                _listLogits[count++] = row[id];
            }
        }

        return count;
    }
}
