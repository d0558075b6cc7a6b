using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Reference;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests;

/// <summary>
/// Every float graph flavour agrees with the managed reference on randomly drawn small configurations (GQA ratios,
/// head_dim ≠ hidden/heads, tied/untied, MoE top-k and norm_topk_prob both ways, mlp_only_layers, decoder_sparse_step,
/// YaRN), for a left-padded batch: prefill logits at every real position, then decode steps through the KV cache.
/// The quantized flavours are checked on the same configs against graphs of their dequantized weights.
/// </summary>
[TestClass]
public sealed class RandomConfigGraphTests
{
    public const int ConfigCount = 24;
    public const int DecodeSteps = 3;

    /// <summary>Name → (graph, dtype, max |graph − reference|). Synthetic logits are ~0.5 in size; float32 errors are ~1e-7.</summary>
    private static readonly Dictionary<string, (ExportGraph Graph, ExportDType DType, float Tolerance)> Flavours = new()
    {
        ["portable-fp32"] = (ExportGraph.Portable, ExportDType.Fp32, 1e-5f),
        ["fused-fp32"] = (ExportGraph.Fused, ExportDType.Fp32, 1e-5f),
        ["portable-fp16"] = (ExportGraph.Portable, ExportDType.Fp16, 2e-2f),
        ["fused-fp16"] = (ExportGraph.Fused, ExportDType.Fp16, 2e-2f),
    };

    public static IEnumerable<object[]> Cases =>
        from seed in MatrixConfigs.Seeds(ConfigCount)
        from flavour in Flavours.Keys
        select new object[] { seed, flavour };

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void ExportedGraphMatchesTheReferenceOnARandomConfig(int seed, string flavour)
    {
        var (graphKind, dtype, tolerance) = Flavours[flavour];
        var config = MatrixConfigs.FromSeed(seed);
        string folder = ExportedFixtures.TempFolder($"random-{seed}-{flavour}");
        var options = new ExportOptions { Config = config, SyntheticSeed = (ulong)Math.Abs(seed), OutputFolder = folder, Graph = graphKind, DType = dtype };
        if (graphKind == ExportGraph.Fused && config.HeadDim % 8 != 0)
        {
            // GroupQueryAttention takes head sizes in multiples of 8 only: the export refuses up front, writing nothing.
            var refusal = Assert.ThrowsExactly<Qwen3Onnx.Models.Qwen3OnnxException>(() => Qwen3Exporter.Export(options));
            StringAssert.Contains(refusal.Message, $"head_dim {config.HeadDim}");
            Assert.IsFalse(Directory.Exists(folder));
            return;
        }

        Qwen3Exporter.Export(options);
        using var weights = new SyntheticWeights(config, (ulong)Math.Abs(seed));
        var reference = Qwen3ReferenceModel.Load(config, weights);
        var (ids, mask) = LeftPaddedPrompts(config, seed);
        using var graph = new OrtGraphRunner(folder);

        var (graphIds, graphSteps) = graph.GreedyWithLogits(ids, mask, DecodeSteps);
        var referenceSteps = ReferenceGreedy(reference, ids, mask, graphIds);

        for (int row = 0; row < ids.Length; row++)
        {
            for (int step = 0; step < DecodeSteps; step++)
            {
                float error = MaxAbsDifference(graphSteps[row][step], referenceSteps[row][step]);
                Assert.IsLessThan(tolerance, error, $"config {seed} ({Describe(config)}), {flavour}, row {row}, step {step}: max |graph − reference| = {error}");
            }
        }

        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Feeds the graph's own greedy choices to the reference so both see the same sequence.</summary>
    private static float[][][] ReferenceGreedy(Qwen3ReferenceModel model, long[][] ids, long[][] mask, int[][] chosen)
    {
        int rows = ids.Length;
        var cache = model.CreateCache(rows);
        var masks = mask.Select(r => r.ToList()).ToArray();
        var steps = Enumerable.Range(0, rows).Select(_ => new float[DecodeSteps][]).ToArray();
        var logits = model.Forward(ids, mask, Positions(mask, ids[0].Length), cache);
        for (int step = 0; step < DecodeSteps; step++)
        {
            for (int row = 0; row < rows; row++)
            {
                steps[row][step] = logits.At(row, logits.Sequence - 1).ToArray();
                masks[row].Add(1);
            }

            if (step == DecodeSteps - 1)
            {
                break;
            }

            long[][] maskArrays = masks.Select(r => r.ToArray()).ToArray();
            long[][] next = chosen.Select(r => new long[] { r[step] }).ToArray();
            logits = model.Forward(next, maskArrays, Positions(maskArrays, 1), cache);
        }

        return steps;
    }

    /// <summary>Two prompts of 7 and 3 tokens, the shorter left-padded.</summary>
    public static (long[][] Ids, long[][] Mask) LeftPaddedPrompts(Qwen3Config config, int seed)
    {
        var random = new Random(Math.Abs(seed));
        int[] lengths = [7, 3];
        int width = lengths.Max();
        var ids = lengths.Select(n => Enumerable.Range(0, width).Select(i => i < width - n ? 0L : random.Next(config.VocabSize)).ToArray()).ToArray();
        var mask = lengths.Select(n => Enumerable.Range(0, width).Select(i => i < width - n ? 0L : 1L).ToArray()).ToArray();
        return (ids, mask);
    }

    private static long[][] Positions(long[][] mask, int count) =>
        mask.Select(row =>
        {
            long running = 0;
            return row.Select(m => Math.Max(0, (running += m) - 1)).ToArray()[^count..];
        }).ToArray();

    private static float MaxAbsDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    public static string Describe(Qwen3Config c) =>
        $"heads {c.NumAttentionHeads}/{c.NumKeyValueHeads}, head_dim {c.HeadDim}, hidden {c.HiddenSize}, tied {c.TieWordEmbeddings}, "
        + $"experts {c.NumExperts} top-{c.NumExpertsPerTok} norm {c.NormTopkProb} sparse step {c.DecoderSparseStep} "
        + $"mlp-only [{string.Join(",", c.MlpOnlyLayers)}], rope {c.RopeScaling.Type}";
}
