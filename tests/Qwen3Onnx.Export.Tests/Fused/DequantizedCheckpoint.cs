using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests.Fused;

/// <summary>The fused float32 export of a fixture checkpoint's <see cref="DequantizedWeights"/>: what its quantized export should compute.</summary>
internal static class DequantizedCheckpoint
{
    public static string Export(string model, QuantizationRecipe recipe, WeightRounding? rounding = null)
    {
        string source = SharedFixtures.Model(model);
        var config = Qwen3ConfigReader.ReadFile(Path.Combine(source, "config.json"));
        string folder = ExportedFixtures.TempFolder($"{model}-dequantized-int{recipe.Layers.Bits}-b{recipe.Layers.BlockSize}-{(rounding ?? WeightRounding.Ours).Name}");
        using var weights = new DequantizedWeights(config, Checkpoint.Open(source), recipe, rounding);
        Qwen3Exporter.Export(new ExportOptions { Config = config, Weights = weights, OutputFolder = folder, Graph = ExportGraph.Fused });
        return folder;
    }
}
