namespace Qwen3Onnx.Onnx;

/// <summary>Symbolic shape rules (numpy broadcasting, MatMul, reductions) for value-info.</summary>
internal static class Shapes
{
    public static Dim[] Broadcast(IReadOnlyList<Dim> a, IReadOnlyList<Dim> b)
    {
        int rank = Math.Max(a.Count, b.Count);
        var result = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            Dim? x = i < rank - a.Count ? (Dim?)null : a[i - (rank - a.Count)];
            Dim? y = i < rank - b.Count ? (Dim?)null : b[i - (rank - b.Count)];
            result[i] = (x, y) switch
            {
                (null, { } only) => only,
                ({ } only, null) => only,
                ({ Size: 1 }, { } other) => other,
                ({ } other, { Size: 1 }) => other,
                ({ IsFixed: true } fixedDim, _) => fixedDim,
                (_, { IsFixed: true } fixedDim) => fixedDim,
                ({ } first, _) => first,
                _ => Dim.Unknown,
            };
        }

        return result;
    }

    /// <summary>numpy matmul: a 1-D operand gains a unit dimension that the result then drops.</summary>
    public static Dim[] MatMul(IReadOnlyList<Dim> a, IReadOnlyList<Dim> b)
    {
        IReadOnlyList<Dim> left = a.Count == 1 ? [1, a[0]] : a;
        IReadOnlyList<Dim> right = b.Count == 1 ? [b[0], 1] : b;
        var batch = Broadcast(left.Take(left.Count - 2).ToArray(), right.Take(right.Count - 2).ToArray());
        var rows = a.Count == 1 ? Array.Empty<Dim>() : [left[^2]];
        var columns = b.Count == 1 ? Array.Empty<Dim>() : [right[^1]];
        return [.. batch, .. rows, .. columns];
    }

    public static Dim[] Unsqueeze(IReadOnlyList<Dim> shape, long[] axes)
    {
        var result = shape.ToList();
        int rank = shape.Count + axes.Length;
        foreach (long axis in axes.Select(a => a < 0 ? a + rank : a).Order())
        {
            result.Insert((int)axis, 1);
        }

        return [.. result];
    }

    public static Dim[] Reduce(IReadOnlyList<Dim> shape, long[] axes, bool keepDims)
    {
        var reduced = axes.Select(a => (int)(a < 0 ? a + shape.Count : a)).ToHashSet();
        return shape
            .Select((d, i) => (Dim: d, Reduced: reduced.Contains(i)))
            .Where(x => keepDims || !x.Reduced)
            .Select(x => x.Reduced ? (Dim)1 : x.Dim)
            .ToArray();
    }
}
