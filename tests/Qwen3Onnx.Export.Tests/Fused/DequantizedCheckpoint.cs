using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests.Fused;

/// <summary>
/// A fixture checkpoint whose quantized weights are replaced by their round trip through <see cref="BlockQuantizer"/>
/// (float32) in the recipe's format: every linear projection and expert, and the embedding when tied; norms, the router and an untied
/// embedding stay as they are. A float graph of it computes what a quantized graph should, up to the kernels'
/// int8 activation rounding.
/// </summary>
internal static class DequantizedCheckpoint
{
    public static string Create(string model, QuantizationRecipe recipe)
    {
        string source = SharedFixtures.Model(model);
        string folder = ExportedFixtures.TempFolder($"{model}-dequantized-int{recipe.Layers.Bits}");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(folder, "config.json"));
        var config = Qwen3ConfigReader.ReadFile(Path.Combine(source, "config.json"));
        using var weights = Checkpoint.Open(source);
        var tensors = Qwen3WeightNames.Expected(config).Select(t =>
        {
            var values = new float[t.Shape.Aggregate(1L, (a, b) => a * b)];
            weights.ReadFloat32(t.Name, 0, values);
            var info = new TensorInfo(t.Name, TensorDType.Float32, t.Shape);
            return (info, IsQuantized(config, t.Name, t.Shape) ? RoundTrip(recipe.FormatOf(t.Name), values, (int)t.Shape[1]) : values);
        });
        SafetensorsWriter.WriteFile(Path.Combine(folder, Checkpoint.SingleFileName), tensors);
        return folder;
    }

    private static bool IsQuantized(Qwen3Config config, string name, long[] shape) =>
        shape.Length == 2
        && !name.EndsWith(".mlp.gate.weight", StringComparison.Ordinal)
        && (name != Qwen3WeightNames.Embedding || config.TieWordEmbeddings);

    private static float[] RoundTrip(BlockQuantizationFormat format, float[] values, int columns) =>
        new BlockQuantizer(format, columns).Quantize(values).Dequantize();
}
