using System.Collections.Concurrent;
using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Export.Tests.Fused;

/// <summary>
/// A weight source whose quantized weights are replaced by their round trip (float32) in the recipe's format, through
/// <see cref="BlockQuantizer"/> unless another <see cref="WeightRounding"/> is given: every linear projection and expert, and the embedding when tied; norms, the router
/// and an untied embedding stay as they are. Rows quantize independently, so packing q‖k‖v or interleaving gate/up in
/// the graph leaves every block as here. A float graph of it computes what a quantized graph should, up to the kernels'
/// activation rounding.
/// </summary>
internal sealed class DequantizedWeights(Qwen3Config config, IWeightSource inner, QuantizationRecipe recipe, WeightRounding? rounding = null) : IWeightSource
{
    private readonly WeightRounding _rounding = rounding ?? WeightRounding.Ours;
    private readonly ConcurrentDictionary<string, float[]> _roundTrips = new(StringComparer.Ordinal);

    public string Description => $"{inner.Description}, dequantized int{recipe.Layers.Bits} ({_rounding.Name})";

    public bool Contains(string name) => inner.Contains(name);

    public TensorInfo GetInfo(string name) => inner.GetInfo(name) with { DType = TensorDType.Float32 };

    public void ReadFloat32(string name, long elementOffset, Span<float> destination)
    {
        var shape = inner.GetInfo(name).Shape;
        if (!IsQuantized(name, shape))
        {
            inner.ReadFloat32(name, elementOffset, destination);
            return;
        }

        var values = _roundTrips.GetOrAdd(name, _ => RoundTrip(name, shape));
        values.AsSpan(checked((int)elementOffset), destination.Length).CopyTo(destination);
    }

    public void Dispose() => inner.Dispose();

    private bool IsQuantized(string name, IReadOnlyList<long> shape) =>
        shape.Count == 2
        && !name.EndsWith(".mlp.gate.weight", StringComparison.Ordinal)
        && (name != Qwen3WeightNames.Embedding || config.TieWordEmbeddings);

    private float[] RoundTrip(string name, IReadOnlyList<long> shape)
    {
        var values = new float[shape[0] * shape[1]];
        inner.ReadFloat32(name, 0, values);
        return _rounding.RoundTrip(recipe.FormatOf(name), (int)shape[1], values);
    }
}
