using Qwen3Onnx.Models.Config;

namespace Qwen3Onnx.Models.Weights;

/// <summary>
/// Seeded random weights for any config, generated on demand so that no checkpoint is needed and no
/// tensor is ever materialised whole. Every element is a pure function of (seed, tensor name, index),
/// so slices read in any order agree. Matrices are uniform with standard deviation 0.02 (HF's
/// initializer range); norm weights are 1 ± 0.1 so that the q/k norms matter.
/// </summary>
public sealed class SyntheticWeights : IWeightSource
{
    private const float MatrixStd = 0.02f;
    private const float NormSpread = 0.1f;
    private const int ParallelThreshold = 1 << 18;
    private const int ParallelChunk = 1 << 16;

    private readonly Dictionary<string, TensorInfo> _tensors;

    public SyntheticWeights(Qwen3Config config, ulong seed = 1, TensorDType storedAs = TensorDType.BFloat16)
    {
        Seed = seed;
        _tensors = Qwen3WeightNames.Expected(config).ToDictionary(t => t.Name, t => new TensorInfo(t.Name, storedAs, t.Shape), StringComparer.Ordinal);
    }

    public ulong Seed { get; }

    public string Description => $"synthetic weights (seed {Seed})";

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public TensorInfo GetInfo(string name) =>
        _tensors.TryGetValue(name, out var info) ? info : throw new Qwen3OnnxException($"{Description}: missing tensor '{name}'");

    public void ReadFloat32(string name, long elementOffset, Span<float> destination)
    {
        var info = GetInfo(name);
        if (elementOffset < 0 || elementOffset + destination.Length > info.ElementCount)
        {
            throw new ArgumentOutOfRangeException(nameof(elementOffset));
        }

        var element = new ElementRule(StreamOf(name, Seed), info.Shape.Count == 1, info.DType);
        if (destination.Length < ParallelThreshold)
        {
            element.Fill(elementOffset, destination);
            return;
        }

        // Every element is a pure function of its index, so chunks fill independently; a multi-gigabyte export is
        // otherwise bound by this one loop on one core.
        unsafe
        {
            fixed (float* start = destination)
            {
                float* first = start;
                int length = destination.Length;
                int chunks = (length + ParallelChunk - 1) / ParallelChunk;
                Parallel.For(0, chunks, chunk =>
                {
                    int from = chunk * ParallelChunk;
                    element.Fill(elementOffset + from, new Span<float>(first + from, Math.Min(ParallelChunk, length - from)));
                });
            }
        }
    }

    public void Dispose()
    {
    }

    /// <summary>FNV-1a over the name, mixed with the seed: a stable per-tensor stream start.</summary>
    private static ulong StreamOf(string name, ulong seed)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (char c in name)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }

        return SplitMix64(hash ^ SplitMix64(seed)) << 20;
    }

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>How one tensor's elements are drawn: uniform matrices of <see cref="MatrixStd"/>, or norm weights 1 ± spread.</summary>
    private readonly record struct ElementRule(ulong Stream, bool IsNorm, TensorDType DType)
    {
        public void Fill(long elementOffset, Span<float> destination)
        {
            // Uniform on [-a, a] has standard deviation a / sqrt(3).
            float halfWidth = IsNorm ? NormSpread : MatrixStd * MathF.Sqrt(3f);
            float center = IsNorm ? 1f : 0f;
            for (int i = 0; i < destination.Length; i++)
            {
                ulong bits = SplitMix64(Stream + (ulong)(elementOffset + i));
                // 24 random bits → [0, 1), exactly representable in float32.
                float unit = (bits >> 40) * (1f / (1 << 24));
                float value = center + (((2f * unit) - 1f) * halfWidth);
                destination[i] = DType switch
                {
                    TensorDType.BFloat16 => RoundToBFloat16(value),
                    TensorDType.Float16 => (float)(Half)value,
                    _ => value,
                };
            }
        }
    }

    private static float RoundToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        bits = (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF_0000u;
        return BitConverter.UInt32BitsToSingle(bits);
    }
}
