using Microsoft.ML.OnnxRuntime;
using Qwen3Onnx.Runtime.Session;

namespace Qwen3Onnx.Runtime.Tests.Session;

[TestClass]
public sealed class KvCacheRowsTests
{
    [TestMethod]
    public void GatheredRowsAreRightAlignedAndZeroPaddedOnTheLeft()
    {
        // [rows 2, heads 2, length 2, head_dim 1] and [rows 1, heads 2, length 3, head_dim 1].
        using var twoLong = Cache([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], rows: 2, heads: 2, length: 2);
        using var threeLong = Cache([11f, 12f, 13f, 14f, 15f, 16f], rows: 1, heads: 2, length: 3);

        using var merged = KvCacheRows.Gather([new(twoLong, 1), new(threeLong, 0), new(twoLong, 0)], length: 3);

        Assert.AreEqual(3, merged.BatchSize);
        Assert.AreEqual(3, merged.Length);
        CollectionAssert.AreEqual(new long[] { 3, 2, 3, 1 }, merged.Values[1].GetTensorTypeAndShape().Shape);
        float[] expected = [0, 5, 6, 0, 7, 8, 11, 12, 13, 14, 15, 16, 0, 1, 2, 0, 3, 4];
        foreach (var value in merged.Values)
        {
            CollectionAssert.AreEqual(expected, value.GetTensorDataAsSpan<float>().ToArray());
        }
    }

    [TestMethod]
    public void GatheringShorterThanARowDropsItsOldestColumnsInHalfPrecision()
    {
        Float16[] data = [.. Enumerable.Range(1, 6).Select(i => (Float16)i)];
        using var source = Cache(data, rows: 1, heads: 2, length: 3);

        using var sliced = KvCacheRows.Gather([new(source, 0)], length: 1);

        CollectionAssert.AreEqual(new[] { (Float16)3, (Float16)6 }, sliced.Values[0].GetTensorDataAsSpan<Float16>().ToArray());
    }

    /// <summary>One layer (key and value alike), head_dim 1.</summary>
    private static KvCache Cache<T>(T[] data, int rows, int heads, int length)
        where T : unmanaged
    {
        long[] shape = [rows, heads, length, 1];
        OrtValue[] values = [OrtValue.CreateTensorValueFromMemory(data, shape), OrtValue.CreateTensorValueFromMemory(data.ToArray(), shape)];
        return new KvCache(values, rows, length);
    }
}
