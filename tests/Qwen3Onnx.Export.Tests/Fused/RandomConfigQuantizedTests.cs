using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests.Fused;

/// <summary>
/// int8 and int4 exports of the <see cref="MatrixConfigs"/> compute the model of their own dequantized weights: the
/// fused float32 graph of <see cref="DequantizedWeights"/>, fed the same tokens, prefill and decode through the KV cache.
/// Dimensions that do not fill the last block (hidden 24 or 40 at block 32, expert sizes 4–40) pad it. With
/// accuracy_level 0 MatMulNBits computes in float32, so dense projections agree to float32 rounding; QMoE's 8-bit experts
/// run with int8 activations on the CPU whatever the level, so those configs get a bound relative to the logits.
/// </summary>
[TestClass]
public sealed class RandomConfigQuantizedTests
{
    private const float Tolerance = 1e-4f;

    public static IEnumerable<object[]> Cases =>
        from seed in MatrixConfigs.Seeds(RandomConfigGraphTests.ConfigCount)
        where MatrixConfigs.FromSeed(seed).HeadDim % 8 == 0
        from bits in new[] { 4, 8 }
        select new object[] { seed, bits };

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void QuantizedGraphComputesTheModelOfItsDequantizedWeights(int seed, int bits)
    {
        var config = MatrixConfigs.FromSeed(seed);
        var recipe = QuantizationRecipe.For(bits, ExportOptions.DefaultBlockSize) with { AccuracyLevel = 0 };
        ulong weightSeed = (ulong)Math.Abs(seed);
        string quantizedFolder = ExportedFixtures.TempFolder($"random-{seed}-int{bits}");
        string dequantizedFolder = ExportedFixtures.TempFolder($"random-{seed}-int{bits}-dequantized");
        var options = new ExportOptions
        {
            Config = config, SyntheticSeed = weightSeed, OutputFolder = quantizedFolder, DType = bits == 4 ? ExportDType.Int4 : ExportDType.Int8, AccuracyLevel = 0,
        };
        if (bits == 4 && config.IsMoe && config.MoeIntermediateSize % 2 != 0)
        {
            // QMoE packs expert rows unpadded: an odd expert size has no whole-byte 4-bit row, and the export says so.
            var refusal = Assert.ThrowsExactly<Qwen3Onnx.Models.Qwen3OnnxException>(() => Qwen3Exporter.Export(options));
            StringAssert.Contains(refusal.Message, "down_proj.weight");
            return;
        }

        Qwen3Exporter.Export(options);
        using (var dequantized = new DequantizedWeights(config, new SyntheticWeights(config, weightSeed), recipe))
        {
            Qwen3Exporter.Export(new ExportOptions { Config = config, Weights = dequantized, OutputFolder = dequantizedFolder, Graph = ExportGraph.Fused });
        }

        var (ids, mask) = RandomConfigGraphTests.LeftPaddedPrompts(config, seed);
        using var quantized = new OrtGraphRunner(quantizedFolder);
        using var reference = new OrtGraphRunner(dequantizedFolder);
        var (chosen, quantizedSteps) = quantized.GreedyWithLogits(ids, mask, RandomConfigGraphTests.DecodeSteps);
        var (_, referenceSteps) = reference.GreedyWithLogits(ids, mask, RandomConfigGraphTests.DecodeSteps, forced: chosen);

        for (int row = 0; row < ids.Length; row++)
        {
            double bound = bits == 8 && config.IsMoe ? 0.02 * referenceSteps[row].Max(s => s.Max(MathF.Abs)) : Tolerance;
            double error = Logits.MaxAbsDifference(referenceSteps[row], quantizedSteps[row]);
            Assert.IsLessThan(bound, error, $"config {seed} ({RandomConfigGraphTests.Describe(config)}), int{bits}, row {row}: max |quantized − dequantized| = {error}");
        }

        Directory.Delete(quantizedFolder, recursive: true);
        Directory.Delete(dequantizedFolder, recursive: true);
    }
}
