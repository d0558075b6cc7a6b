using System.Numerics;

namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>
/// Partial selection of the n largest values of a row: a size-n heap whose root is the worst kept value, so most
/// of a 152k-wide row is rejected by one vector comparison per block; then heap-sort of only those n.
/// </summary>
internal static class TopSelection
{
    /// <summary>Writes the ids.Length largest values (ties to the lower id) into ids/logits, sorted best first.</summary>
    public static void Select(ReadOnlySpan<float> row, Span<int> ids, Span<float> logits)
    {
        var n = ids.Length;
        for (var i = 0; i < n; i++)
        {
            ids[i] = i;
            logits[i] = row[i];
        }

        for (var i = (n / 2) - 1; i >= 0; i--)
        {
            SiftDown(ids, logits, i, n);
        }

        OfferRest(row, n, ids, logits);
        for (var last = n - 1; last > 0; last--)
        {
            (ids[0], ids[last]) = (ids[last], ids[0]);
            (logits[0], logits[last]) = (logits[last], logits[0]);
            SiftDown(ids, logits, 0, last);
        }
    }

    private static void OfferRest(ReadOnlySpan<float> row, int start, Span<int> ids, Span<float> logits)
    {
        var width = Vector<float>.Count;
        var id = start;
        while (id <= row.Length - width)
        {
            if (!Vector.GreaterThanAny(new Vector<float>(row.Slice(id, width)), new Vector<float>(logits[0])))
            {
                id += width;
                continue;
            }

            for (var end = id + width; id < end; id++)
            {
                Offer(id, row[id], ids, logits);
            }
        }

        for (; id < row.Length; id++)
        {
            Offer(id, row[id], ids, logits);
        }
    }

    // Ids arrive in increasing order, so an equal value never displaces the (lower-id) root.
    private static void Offer(int id, float logit, Span<int> ids, Span<float> logits)
    {
        if (logit > logits[0])
        {
            ids[0] = id;
            logits[0] = logit;
            SiftDown(ids, logits, 0, ids.Length);
        }
    }

    private static void SiftDown(Span<int> ids, Span<float> logits, int parent, int size)
    {
        while (true)
        {
            var worst = parent;
            var left = (2 * parent) + 1;
            var right = left + 1;
            if (left < size && IsWorse(ids[left], logits[left], ids[worst], logits[worst]))
            {
                worst = left;
            }

            if (right < size && IsWorse(ids[right], logits[right], ids[worst], logits[worst]))
            {
                worst = right;
            }

            if (worst == parent)
            {
                return;
            }

            (ids[parent], ids[worst]) = (ids[worst], ids[parent]);
            (logits[parent], logits[worst]) = (logits[worst], logits[parent]);
            parent = worst;
        }
    }

    private static bool IsWorse(int id, float logit, int otherId, float otherLogit) =>
        logit < otherLogit || (logit == otherLogit && id > otherId);
}
