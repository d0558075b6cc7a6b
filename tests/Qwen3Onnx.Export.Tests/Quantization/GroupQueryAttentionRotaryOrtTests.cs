namespace Qwen3Onnx.Export.Tests.Quantization;

/// <summary>
/// Pins where GroupQueryAttention's internal rotary (do_rotary = 1, rotary_interleaved = 0) takes its positions from on
/// ORT's CPU provider: the rotated keys land in present_key, so comparing them to a rotate-half by hand shows the position
/// each row used. One query head, one KV head, head size 16 (the kernel's minimum with rotary).
/// </summary>
[TestClass]
public sealed class GroupQueryAttentionRotaryOrtTests
{
    private const int HeadSize = 16;
    private const int Half = HeadSize / 2;
    private const int CacheLength = 8;

    private static readonly float[] Cos = TestWeights.Uniform(CacheLength * Half, seed: 71);
    private static readonly float[] Sin = TestWeights.Uniform(CacheLength * Half, seed: 72);

    [TestMethod]
    public void PromptTokensRotateByTheirIndexInTheRow()
    {
        const int Length = 3;
        var k = TestWeights.Uniform(2 * Length * HeadSize, seed: 73);

        int[] seqlensK = [2, 1];
        var present = Run(k, Length, seqlensK, totalLength: Length, past: null);

        for (var b = 0; b < 2; b++)
        {
            for (var s = 0; s <= seqlensK[b]; s++)
            {
                AssertRotated(k.AsSpan((b * Length + s) * HeadSize, HeadSize), position: s, present.AsSpan((b * Length + s) * HeadSize, HeadSize));
            }
        }
    }

    [TestMethod]
    public void DecodeRowRotatesByItsSeqlensK()
    {
        const int PastLength = 4;
        var past = TestWeights.Uniform(2 * PastLength * HeadSize, seed: 74);
        var k = TestWeights.Uniform(2 * HeadSize, seed: 75);

        var present = Run(k, 1, seqlensK: [4, 2], totalLength: PastLength + 1, past: past);

        AssertRotated(k.AsSpan(0, HeadSize), position: 4, present.AsSpan((0 * 5 + 4) * HeadSize, HeadSize));
        AssertRotated(k.AsSpan(HeadSize, HeadSize), position: 2, present.AsSpan((1 * 5 + 2) * HeadSize, HeadSize));
    }

    private static float[] Run(float[] k, int length, int[] seqlensK, int totalLength, float[]? past)
    {
        var model = new SingleNodeModel("GroupQueryAttention")
            .Attribute("num_heads", 1)
            .Attribute("kv_num_heads", 1)
            .Attribute("do_rotary", 1)
            .Attribute("rotary_interleaved", 0)
            .Input("query", TestWeights.Uniform(k.Length, seed: 76), [2, length, HeadSize])
            .Input("key", k, [2, length, HeadSize])
            .Input("value", TestWeights.Uniform(k.Length, seed: 77), [2, length, HeadSize]);
        model = past is null
            ? model.Absent().Absent()
            : model.Input("past_key", past, [2, 1, past.Length / 2 / HeadSize, HeadSize]).Input("past_value", past, [2, 1, past.Length / 2 / HeadSize, HeadSize]);
        return model
            .Input("seqlens_k", seqlensK, [2])
            .Input("total_sequence_length", [totalLength], [])
            .Initializer("cos_cache", Cos, [CacheLength, Half])
            .Initializer("sin_cache", Sin, [CacheLength, Half])
            .Output("present_key")
            .Output("present_value")
            .RunAll()["present_key"];
    }

    /// <summary>Rotate-half RoPE: (x₁, x₂) → (x₁·cos − x₂·sin, x₂·cos + x₁·sin) with the cache row of <paramref name="position"/>.</summary>
    private static void AssertRotated(ReadOnlySpan<float> key, int position, ReadOnlySpan<float> actual)
    {
        for (var i = 0; i < Half; i++)
        {
            var cos = Cos[position * Half + i];
            var sin = Sin[position * Half + i];
            Assert.AreEqual(key[i] * cos - key[i + Half] * sin, actual[i], 1e-5f, $"position {position}, dim {i}");
            Assert.AreEqual(key[i + Half] * cos + key[i] * sin, actual[i + Half], 1e-5f, $"position {position}, dim {i + Half}");
        }
    }
}
