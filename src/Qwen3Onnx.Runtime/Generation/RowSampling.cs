using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Session;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>
/// Picks a batch's next tokens from one step's logits. Rows are independent (each sampler owns its buffers, history
/// and random state), so a batch samples its rows on parallel threads: at batch 8 on a GPU the eight passes over
/// 151936 logits were a fifth of a decode step when run one after another. Results do not depend on the threading.
/// </summary>
internal static class RowSampling
{
    /// <summary>Runs <paramref name="sampleRow"/> for rows 0 … count − 1: inline for one row, on parallel threads for more.</summary>
    public static void ForEachRow(int count, Action<int> sampleRow)
    {
        if (count == 1)
        {
            sampleRow(0);
            return;
        }

        Parallel.For(0, count, sampleRow);
    }
}
