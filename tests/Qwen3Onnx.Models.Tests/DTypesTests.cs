using System.Runtime.InteropServices;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Models.Tests;

[TestClass]
public sealed class DTypesTests
{
    [TestMethod]
    public void BFloat16WideningIsExactForEveryBitPattern()
    {
        var patterns = AllPatterns();
        var widened = new float[patterns.Length];

        DTypes.BFloat16ToFloat32(patterns, widened);

        for (int i = 0; i < patterns.Length; i++)
        {
            AssertBFloat16Value(patterns[i], widened[i]);
        }
    }

    [TestMethod]
    public void BFloat16WideningThroughBytesMatchesTheDirectPath()
    {
        var patterns = AllPatterns();
        var direct = new float[patterns.Length];
        var viaBytes = new float[patterns.Length];

        DTypes.BFloat16ToFloat32(patterns, direct);
        DTypes.ConvertToFloat32(TensorDType.BFloat16, MemoryMarshal.AsBytes(patterns.AsSpan()), viaBytes);

        CollectionAssert.AreEqual(Bits(direct), Bits(viaBytes));
    }

    [TestMethod]
    public void Float16WideningMatchesSystemHalfForEveryBitPattern()
    {
        var patterns = AllPatterns();
        var widened = new float[patterns.Length];

        DTypes.ConvertToFloat32(TensorDType.Float16, MemoryMarshal.AsBytes(patterns.AsSpan()), widened);

        for (int i = 0; i < patterns.Length; i++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf(patterns[i]);
            if (float.IsNaN(expected))
            {
                Assert.IsTrue(float.IsNaN(widened[i]), $"0x{patterns[i]:X4}");
                Assert.AreEqual(float.IsNegative(expected), float.IsNegative(widened[i]), $"sign of 0x{patterns[i]:X4}");
            }
            else
            {
                Assert.AreEqual(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(widened[i]), $"0x{patterns[i]:X4}");
            }
        }
    }

    [TestMethod]
    public void Float32ToFloat16RoundsLikeSystemHalf()
    {
        float[] values = [.. NarrowingCases(), .. RandomFloats(200_000, seed: 7)];
        var narrowed = new Half[values.Length];

        DTypes.Float32ToFloat16(values, narrowed);

        for (int i = 0; i < values.Length; i++)
        {
            var expected = (Half)values[i];
            if (Half.IsNaN(expected))
            {
                Assert.IsTrue(Half.IsNaN(narrowed[i]), $"{values[i]:R}");
            }
            else
            {
                Assert.AreEqual(BitConverter.HalfToUInt16Bits(expected), BitConverter.HalfToUInt16Bits(narrowed[i]), $"{values[i]:R} (0x{BitConverter.SingleToUInt32Bits(values[i]):X8})");
            }
        }
    }

    [TestMethod]
    [DataRow(1f + (1f / 2048), (ushort)0x3C00, DisplayName = "tie between 1 and 1+2^-10 goes to even 1")]
    [DataRow(1f + (3f / 2048), (ushort)0x3C02, DisplayName = "tie between 1+2^-10 and 1+2^-9 goes to even 1+2^-9")]
    [DataRow(65504f, (ushort)0x7BFF, DisplayName = "largest half")]
    [DataRow(65520f, (ushort)0x7C00, DisplayName = "tie above the largest half overflows to inf")]
    [DataRow(-1e6f, (ushort)0xFC00, DisplayName = "overflow to -inf")]
    [DataRow(5.9604645e-8f, (ushort)0x0001, DisplayName = "smallest subnormal 2^-24")]
    [DataRow(2.9802322e-8f, (ushort)0x0000, DisplayName = "tie at 2^-25 goes to even zero")]
    [DataRow(8.940697e-8f, (ushort)0x0002, DisplayName = "tie at 3*2^-25 goes to even 2^-23")]
    [DataRow(-0f, (ushort)0x8000, DisplayName = "negative zero keeps its sign")]
    public void Float32ToFloat16RoundsToNearestEven(float value, ushort expectedBits)
    {
        var narrowed = new Half[1];

        DTypes.Float32ToFloat16([value], narrowed);

        Assert.AreEqual(expectedBits, BitConverter.HalfToUInt16Bits(narrowed[0]));
    }

    [TestMethod]
    public void Float32ToBFloat16RoundsToNearestEvenOnRandomAndEdgeValues()
    {
        float[] values = [.. NarrowingCases(), .. RandomFloats(200_000, seed: 11)];
        var narrowed = new ushort[values.Length];

        DTypes.Float32ToBFloat16(values, narrowed);

        for (int i = 0; i < values.Length; i++)
        {
            Assert.AreEqual(ReferenceBFloat16(values[i]), narrowed[i], $"{values[i]:R} (0x{BitConverter.SingleToUInt32Bits(values[i]):X8})");
        }
    }

    [TestMethod]
    [DataRow(0x3F808000u, (ushort)0x3F80, DisplayName = "tie between 1 and 1+2^-7 goes to even 1")]
    [DataRow(0x3F818000u, (ushort)0x3F82, DisplayName = "tie between 1+2^-7 and 1+2^-6 goes to even 1+2^-6")]
    [DataRow(0x3F808001u, (ushort)0x3F81, DisplayName = "just above a tie rounds up")]
    [DataRow(0x7F7FFFFFu, (ushort)0x7F80, DisplayName = "float max overflows to inf")]
    [DataRow(0xFF800000u, (ushort)0xFF80, DisplayName = "-inf stays -inf")]
    [DataRow(0x00008000u, (ushort)0x0000, DisplayName = "subnormal tie goes to even zero")]
    [DataRow(0x00018000u, (ushort)0x0002, DisplayName = "subnormal tie goes to even 2")]
    public void Float32ToBFloat16RoundsTiesToEven(uint valueBits, ushort expectedBits)
    {
        var narrowed = new ushort[1];

        DTypes.Float32ToBFloat16([BitConverter.UInt32BitsToSingle(valueBits)], narrowed);

        Assert.AreEqual(expectedBits, narrowed[0]);
    }

    [TestMethod]
    [DataRow(0x7F800001u, DisplayName = "signalling NaN with only the lowest payload bit")]
    [DataRow(0xFFC00000u, DisplayName = "negative quiet NaN")]
    [DataRow(0x7FFFFFFFu, DisplayName = "all-ones NaN does not wrap to zero")]
    public void Float32ToBFloat16KeepsNaNsNaN(uint valueBits)
    {
        var narrowed = new ushort[1];

        DTypes.Float32ToBFloat16([BitConverter.UInt32BitsToSingle(valueBits)], narrowed);

        Assert.AreEqual(0x7F80, narrowed[0] & 0x7F80, "exponent all ones");
        Assert.AreNotEqual(0, narrowed[0] & 0x007F, "mantissa non-zero");
        Assert.AreEqual(valueBits >> 31, (uint)narrowed[0] >> 15, "sign");
    }

    [TestMethod]
    [DataRow(0L, 1)]
    [DataRow(1L, 5)]
    [DataRow(7L, 100)]
    [DataRow(333L, 1000)]
    [DataRow(32767L, 1)]
    public void BFloat16SliceReadAtAnOffsetEqualsTheSameSliceOfAFullRead(long offset, int length)
    {
        using var file = SafetensorsFile.Open(Path.Combine(SharedFixtures.Model("tiny-qwen3"), "model.safetensors"));
        const string name = "model.embed_tokens.weight";
        Assert.AreEqual(TensorDType.BFloat16, file.GetInfo(name).DType);
        var full = new float[file.GetInfo(name).ElementCount];
        file.ReadFloat32(name, 0, full);

        var slice = new float[length];
        file.ReadFloat32(name, offset, slice);

        CollectionAssert.AreEqual(full.AsSpan((int)offset, length).ToArray(), slice);
    }

    [TestMethod]
    public void SliceReadPastTheTensorEndIsRefused()
    {
        using var file = SafetensorsFile.Open(Path.Combine(SharedFixtures.Model("tiny-qwen3"), "model.safetensors"));

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => file.ReadFloat32("model.norm.weight", 60, new float[5]));
    }

    [TestMethod]
    public void NarrowingIntoAShorterDestinationIsRefused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => DTypes.Float32ToBFloat16([1f, 2f], new ushort[1]));
        Assert.ThrowsExactly<ArgumentException>(() => DTypes.Float32ToFloat16([1f, 2f], new Half[1]));
        Assert.ThrowsExactly<ArgumentException>(() => DTypes.BFloat16ToFloat32([1, 2], new float[1]));
    }

    [TestMethod]
    public void SafetensorsDtypeNamesRoundTrip()
    {
        foreach (var dtype in Enum.GetValues<TensorDType>())
        {
            Assert.AreEqual(dtype, DTypes.FromSafetensors(DTypes.ToSafetensors(dtype)));
        }

        Assert.IsNull(DTypes.FromSafetensors("I8"));
        Assert.IsNull(DTypes.FromSafetensors("F64"));
    }

    private static ushort[] AllPatterns() => Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();

    private static uint[] Bits(float[] values) => values.Select(BitConverter.SingleToUInt32Bits).ToArray();

    /// <summary>bfloat16 = sign, 8 exponent bits (bias 127), 7 mantissa bits, evaluated arithmetically.</summary>
    private static void AssertBFloat16Value(ushort pattern, float actual)
    {
        int sign = pattern >> 15;
        int exponent = (pattern >> 7) & 0xFF;
        int mantissa = pattern & 0x7F;
        string label = $"0x{pattern:X4}";
        if (exponent == 0xFF && mantissa != 0)
        {
            Assert.IsTrue(float.IsNaN(actual), label);
            Assert.AreEqual((uint)pattern << 16, BitConverter.SingleToUInt32Bits(actual), $"NaN payload of {label}");
            return;
        }

        double magnitude = exponent switch
        {
            0xFF => double.PositiveInfinity,
            0 => mantissa * Math.Pow(2, -133),
            _ => (1 + (mantissa / 128.0)) * Math.Pow(2, exponent - 127),
        };
        double expected = sign == 1 ? -magnitude : magnitude;
        Assert.AreEqual(BitConverter.DoubleToUInt64Bits(expected), BitConverter.DoubleToUInt64Bits(actual), label);
    }

    /// <summary>Picks the nearer of the two bfloat16 neighbours by exact double arithmetic; ties to the even one.</summary>
    private static ushort ReferenceBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        if (float.IsInfinity(value))
        {
            return (ushort)(bits >> 16);
        }

        ushort down = (ushort)(bits >> 16);
        ushort up = (ushort)(down + 1);
        double lowDistance = Math.Abs((double)value - WidenForReference(down));
        double highDistance = Math.Abs(WidenForReference(up) - (double)value);
        if (lowDistance != highDistance)
        {
            return lowDistance < highDistance ? down : up;
        }

        return (down & 1) == 0 ? down : up;
    }

    /// <summary>The pattern's value; one step past the largest finite magnitude is infinity's place, 2^128.</summary>
    private static double WidenForReference(ushort pattern)
    {
        if ((pattern & 0x7FFF) == 0x7F80)
        {
            return (pattern >> 15 == 1 ? -1 : 1) * Math.Pow(2, 128);
        }

        return BitConverter.UInt32BitsToSingle((uint)pattern << 16);
    }

    private static IEnumerable<float> NarrowingCases()
    {
        float[] fixedCases =
        [
            0f, -0f, 1f, -1f, 0.1f, 1f / 3, 65504f, 65519.996f, 65520f, 65536f, float.MaxValue, float.MinValue,
            float.Epsilon, -float.Epsilon, 1e-8f, 2.9802322e-8f, 5.9604645e-8f, 6.1035156e-5f, 6.097555e-5f,
            float.PositiveInfinity, float.NegativeInfinity, float.NaN, 3.3895314e38f,
        ];
        foreach (float value in fixedCases)
        {
            yield return value;
        }

        // Every tie and near-tie just below and above, for both formats' rounding points.
        for (uint high = 0; high < 0x10000; high += 97)
        {
            foreach (uint low in new uint[] { 0x7FFF, 0x8000, 0x8001, 0x0FFF, 0x1000, 0x1001 })
            {
                yield return BitConverter.UInt32BitsToSingle((high << 16) | low);
            }
        }
    }

    private static IEnumerable<float> RandomFloats(int count, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            yield return BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32));
        }
    }
}
