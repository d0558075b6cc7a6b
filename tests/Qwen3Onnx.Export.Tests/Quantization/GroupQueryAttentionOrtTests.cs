namespace Qwen3Onnx.Export.Tests.Quantization;

/// <summary>
/// Pins how ONNX Runtime's CPU GroupQueryAttention reads seqlens_k (docs/FUSED_OPS.md): row b holds
/// seqlens_k[b] + 1 valid keys starting at cache index 0 (right padding), and a decode step appends row b's new
/// key at index seqlens_k[b]. Two query heads share one KV head; no rotary, so only masking and placement matter.
/// </summary>
[TestClass]
public sealed class GroupQueryAttentionOrtTests
{
    private const int HeadSize = 8;
    private const int QueryHeads = 2;

    [TestMethod]
    public void PromptRowKeepsItsFirstSeqlensKPlusOneKeysValid()
    {
        const int Length = 4;
        var (q, k, v) = Projections(Length, seed: 1);

        var outputs = Gqa(q, k, v, Length, seqlensK: [3, 1], totalLength: Length, past: null);

        // Row 1 has two valid tokens; queries 0 and 1 see keys 0…s, as right padding would have them.
        for (var s = 0; s < 2; s++)
        {
            AssertAttention(outputs["Y"], q, k, v, Length, row: 1, query: s, keys: Enumerable.Range(0, s + 1));
        }

        // Row 0 is full: plain causal attention.
        AssertAttention(outputs["Y"], q, k, v, Length, row: 0, query: 3, keys: Enumerable.Range(0, 4));
    }

    [TestMethod]
    public void LeftPaddedPromptRowIsNotMaskedAtItsStart()
    {
        const int Length = 4;
        var (q, k, v) = Projections(Length, seed: 2);

        var outputs = Gqa(q, k, v, Length, seqlensK: [3, 1], totalLength: Length, past: null);

        // Had GQA understood left padding (tokens at 2, 3), query 3 would see keys 2…3 only. It does not.
        var leftPadded = Attention(q, k, v, Length, row: 1, query: 3, head: 0, keys: [2, 3], keyLength: Length);
        var actual = outputs["Y"].AsSpan(((1 * Length) + 3) * QueryHeads * HeadSize, HeadSize).ToArray();
        Assert.IsTrue(leftPadded.Zip(actual).Any(p => MathF.Abs(p.First - p.Second) > 1e-3f), "left padding was honoured");
    }

    [TestMethod]
    public void DecodeStepAppendsEachRowsKeyAtItsOwnLength()
    {
        const int PastLength = 4;
        var (_, pastK, pastV) = Projections(PastLength, seed: 3);
        var (q, k, v) = Projections(1, seed: 4);

        var outputs = Gqa(q, k, v, 1, seqlensK: [4, 2], totalLength: 5, past: (pastK, pastV, PastLength));

        var present = outputs["present_key"];
        Assert.HasCount(2 * 5 * HeadSize, present);
        CollectionAssert.AreEqual(k.AsSpan(0, HeadSize).ToArray(), present.AsSpan((0 * 5 + 4) * HeadSize, HeadSize).ToArray());
        CollectionAssert.AreEqual(k.AsSpan(HeadSize, HeadSize).ToArray(), present.AsSpan((1 * 5 + 2) * HeadSize, HeadSize).ToArray());
    }

    [TestMethod]
    public void AttentionBiasMasksLeftPaddingWhenSeqlensKCoversTheWholeRow()
    {
        const int Length = 4;
        var (q, k, v) = Projections(Length, seed: 5);
        // Row 1 is left-padded (mask 0 0 1 1): seqlens_k counts the padding too and the bias hides it.
        var bias = new float[2 * Length * Length];
        for (var s = 0; s < Length; s++)
        {
            bias[(1 * Length + s) * Length + 0] = -10000f;
            bias[(1 * Length + s) * Length + 1] = -10000f;
        }

        var outputs = Gqa(q, k, v, Length, seqlensK: [3, 3], totalLength: Length, past: null, attentionBias: bias);

        AssertAttention(outputs["Y"], q, k, v, Length, row: 1, query: 2, keys: [2]);
        AssertAttention(outputs["Y"], q, k, v, Length, row: 1, query: 3, keys: [2, 3]);
        AssertAttention(outputs["Y"], q, k, v, Length, row: 0, query: 3, keys: Enumerable.Range(0, 4));
    }

    [TestMethod]
    public void DecodeStepWithFullRowSeqlensKAppendsAfterThePastAndHonoursTheBias()
    {
        const int PastLength = 4;
        const int Total = PastLength + 1;
        var (_, pastK, pastV) = Projections(PastLength, seed: 6);
        var (q, k, v) = Projections(1, seed: 7);
        // Row 1 was left-padded by two tokens: its first two cache rows are hidden by the bias, not by seqlens_k.
        var bias = new float[2 * Total];
        bias[Total + 0] = -10000f;
        bias[Total + 1] = -10000f;

        var outputs = Gqa(q, k, v, 1, seqlensK: [PastLength, PastLength], totalLength: Total, past: (pastK, pastV, PastLength), attentionBias: bias);

        var keys = Concat(pastK, k, PastLength);
        var values = Concat(pastV, v, PastLength);
        CollectionAssert.AreEqual(keys, outputs["present_key"]);
        CollectionAssert.AreEqual(values, outputs["present_value"]);
        AssertAttention(outputs["Y"], q, keys, values, 1, row: 1, query: 0, keys: [2, 3, 4], keyLength: Total);
        AssertAttention(outputs["Y"], q, keys, values, 1, row: 0, query: 0, keys: Enumerable.Range(0, Total), keyLength: Total);
    }

    /// <summary>Per row: the past rows followed by the one new row ([2, 1, past, D] ‖ [2, 1, D] → [2, 1, past + 1, D]).</summary>
    private static float[] Concat(float[] past, float[] step, int pastLength) =>
        Enumerable.Range(0, 2).SelectMany(b => past.Skip(b * pastLength * HeadSize).Take(pastLength * HeadSize).Concat(step.Skip(b * HeadSize).Take(HeadSize))).ToArray();

    private static (float[] Q, float[] K, float[] V) Projections(int length, int seed) => (
        TestWeights.Uniform(2 * length * QueryHeads * HeadSize, seed),
        TestWeights.Uniform(2 * length * HeadSize, seed + 100),
        TestWeights.Uniform(2 * length * HeadSize, seed + 200));

    private static Dictionary<string, float[]> Gqa(float[] q, float[] k, float[] v, int length, int[] seqlensK, int totalLength, (float[] K, float[] V, int Length)? past, float[]? attentionBias = null)
    {
        var model = new SingleNodeModel("GroupQueryAttention")
            .Attribute("num_heads", QueryHeads)
            .Attribute("kv_num_heads", 1)
            .Input("query", q, [2, length, QueryHeads * HeadSize])
            .Input("key", k, [2, length, HeadSize])
            .Input("value", v, [2, length, HeadSize]);
        model = past is { } p
            ? model.Input("past_key", p.K, [2, 1, p.Length, HeadSize]).Input("past_value", p.V, [2, 1, p.Length, HeadSize])
            : model.Absent().Absent();
        model = model
            .Input("seqlens_k", seqlensK, [2])
            .Input("total_sequence_length", [totalLength], []);
        if (attentionBias is not null)
        {
            // cos_cache, sin_cache, position_ids absent; attention_bias is input 10.
            model = model.Absent().Absent().Absent().Input("attention_bias", attentionBias, [2, 1, length, totalLength]);
        }

        return model
            .Output("present_key")
            .Output("present_value")
            .RunAll();
    }

    private static void AssertAttention(float[] y, float[] q, float[] k, float[] v, int length, int row, int query, IEnumerable<int> keys, int? keyLength = null)
    {
        for (var head = 0; head < QueryHeads; head++)
        {
            var expected = Attention(q, k, v, length, row, query, head, keys.ToArray(), keyLength ?? length);
            for (var d = 0; d < HeadSize; d++)
            {
                Assert.AreEqual(expected[d], y[(((row * length) + query) * QueryHeads + head) * HeadSize + d], 1e-5f, $"row {row} query {query} head {head} dim {d}");
            }
        }
    }

    private static float[] Attention(float[] q, float[] k, float[] v, int length, int row, int query, int head, int[] keys, int keyLength)
    {
        var qv = q.AsSpan((((row * length) + query) * QueryHeads + head) * HeadSize, HeadSize).ToArray();
        var scores = keys.Select(j => Dot(qv, k.AsSpan(((row * keyLength) + j) * HeadSize, HeadSize)) / MathF.Sqrt(HeadSize)).ToArray();
        var max = scores.Max();
        var weights = scores.Select(s => MathF.Exp(s - max)).ToArray();
        var sum = weights.Sum();
        var output = new float[HeadSize];
        for (var i = 0; i < keys.Length; i++)
        {
            for (var d = 0; d < HeadSize; d++)
            {
                output[d] += weights[i] / sum * v[((row * keyLength) + keys[i]) * HeadSize + d];
            }
        }

        return output;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
