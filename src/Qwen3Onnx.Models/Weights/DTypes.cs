using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Qwen3Onnx.Models.Weights;

/// <summary>Element sizes, names and exact, vectorised conversions between the checkpoint dtypes.</summary>
public static class DTypes
{
    public static int SizeOf(TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => 4,
        TensorDType.Float16 => 2,
        TensorDType.BFloat16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    public static TensorDType? FromSafetensors(string name) => name switch
    {
        "F32" => TensorDType.Float32,
        "F16" => TensorDType.Float16,
        "BF16" => TensorDType.BFloat16,
        _ => null,
    };

    public static string ToSafetensors(TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => "F32",
        TensorDType.Float16 => "F16",
        TensorDType.BFloat16 => "BF16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>Widens little-endian <paramref name="source"/> elements to float32; exact for every dtype.</summary>
    public static void ConvertToFloat32(TensorDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (dtype)
        {
            case TensorDType.Float32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case TensorDType.Float16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                break;
            case TensorDType.BFloat16:
                BFloat16ToFloat32(MemoryMarshal.Cast<byte, ushort>(source), destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype));
        }
    }

    /// <summary>bfloat16 is the top half of a float32, so widening is a 16-bit shift.</summary>
    public static void BFloat16ToFloat32(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("destination is shorter than source", nameof(destination));
        }

        var bits = MemoryMarshal.Cast<float, uint>(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= source.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var packed = Vector256.Create(source.Slice(i, Vector256<ushort>.Count));
                var (lower, upper) = Vector256.Widen(packed);
                Vector256.ShiftLeft(lower, 16).CopyTo(bits.Slice(i));
                Vector256.ShiftLeft(upper, 16).CopyTo(bits.Slice(i + Vector256<uint>.Count));
            }
        }

        for (; i < source.Length; i++)
        {
            bits[i] = (uint)source[i] << 16;
        }
    }

    /// <summary>Rounds float32 to IEEE half precision, round-to-nearest-even (overflow becomes ±inf).</summary>
    public static void Float32ToFloat16(ReadOnlySpan<float> source, Span<Half> destination) =>
        TensorPrimitives.ConvertToHalf(source, destination);

    /// <summary>Rounds float32 to bfloat16, round-to-nearest-even; NaN stays a quiet NaN.</summary>
    public static void Float32ToBFloat16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("destination is shorter than source", nameof(destination));
        }

        var bits = MemoryMarshal.Cast<float, uint>(source);
        for (int i = 0; i < bits.Length; i++)
        {
            uint value = bits[i];
            if ((value & 0x7FFF_FFFFu) > 0x7F80_0000u)
            {
                destination[i] = (ushort)((value >> 16) | 0x0040);
                continue;
            }

            uint roundingBias = 0x7FFFu + ((value >> 16) & 1u);
            destination[i] = (ushort)((value + roundingBias) >> 16);
        }
    }
}
