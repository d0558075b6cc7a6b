using System.Buffers;
using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Export.Weights;

/// <summary>Reads one expert's gate and up projections ([inter, hidden] each) as the interleaved fc1 [2·inter, hidden].</summary>
internal static class ExpertInterleaver
{
    public static void Read(IWeightSource source, string gateName, string upName, Span<float> fused)
    {
        int half = fused.Length / 2;
        int hidden = checked((int)source.GetInfo(gateName).Shape[1]);
        float[] parts = ArrayPool<float>.Shared.Rent(2 * half);
        try
        {
            var gate = parts.AsSpan(0, half);
            var up = parts.AsSpan(half, half);
            source.ReadFloat32(gateName, 0, gate);
            source.ReadFloat32(upName, 0, up);
            SwiGluFusion.InterleaveGateUp(gate, up, hidden, fused);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(parts);
        }
    }
}
