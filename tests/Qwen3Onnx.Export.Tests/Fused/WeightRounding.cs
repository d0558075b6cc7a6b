using Qwen3Onnx.Export.Quantization;

namespace Qwen3Onnx.Export.Tests.Fused;

/// <summary>How a test turns a weight matrix [rows × columns] into its quantized-then-dequantized float32 copy.</summary>
internal sealed record WeightRounding(string Name, Func<BlockQuantizationFormat, int, float[], float[]> RoundTrip)
{
    /// <summary>The exporter's own quantizer (per-block scale search), as the quantized graphs hold it.</summary>
    public static WeightRounding Ours { get; } = new("ours", (format, columns, values) => new BlockQuantizer(format, columns).Quantize(values).Dequantize());

    /// <summary>
    /// The baseline #13 names: plain absmax round-to-nearest (llama.cpp Q4_0/Q8_0's rule, no search): per row, per block of
    /// the format's size (the last one short when it does not divide the row), scale = max |w| / 7 or / 127 and
    /// w' = round(w / scale) · scale.
    /// </summary>
    public static WeightRounding Absmax { get; } = new("absmax", AbsmaxRoundTrip);

    private static float[] AbsmaxRoundTrip(BlockQuantizationFormat format, int columns, float[] values)
    {
        var result = new float[values.Length];
        for (int row = 0; row < values.Length / columns; row++)
        {
            for (int start = 0; start < columns; start += format.BlockSize)
            {
                int length = Math.Min(format.BlockSize, columns - start);
                var block = values.AsSpan((row * columns) + start, length);
                var target = result.AsSpan((row * columns) + start, length);
                float scale = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(block) is var max && max != 0 ? MathF.Abs(max) / format.MaxMagnitude : 0f;
                for (int i = 0; i < length; i++)
                {
                    target[i] = scale == 0f ? 0f : MathF.Round(block[i] / scale, MidpointRounding.AwayFromZero) * scale;
                }
            }
        }

        return result;
    }
}
