using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Reference;

namespace Qwen3Onnx.Export.Tests;

/// <summary>
/// The exported graph agrees with the managed reference on randomly drawn small configurations (GQA ratios,
/// head_dim ≠ hidden/heads, tied/untied, MoE top-k and norm_topk_prob both ways, mixed dense/MoE layers, YaRN),
/// for a left-padded batch: prefill logits at every real position, then decode steps through the KV cache.
/// </summary>
[TestClass]
public sealed class RandomConfigGraphTests
{
    private const int ConfigCount = 24;
    private const int DecodeSteps = 3;
    private const float Tolerance = 1e-5f; // synthetic logits are ~0.5 in size; observed errors are ~1e-7

    public static IEnumerable<object[]> Seeds => Enumerable.Range(1, ConfigCount).Select(seed => new object[] { seed });

    [TestMethod]
    [DynamicData(nameof(Seeds))]
    public void ExportedGraphMatchesTheReferenceOnARandomConfig(int seed)
    {
        var config = RandomConfigs.FromSeed(seed);
        string folder = ExportedFixtures.TempFolder($"random-{seed}");
        Qwen3Exporter.Export(new ExportOptions { Config = config, SyntheticSeed = (ulong)seed, OutputFolder = folder });
        using var weights = new SyntheticWeights(config, (ulong)seed);
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
                Assert.IsLessThan(Tolerance, error, $"config {seed} ({Describe(config)}), row {row}, step {step}: max |graph − reference| = {error}");
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

    private static (long[][] Ids, long[][] Mask) LeftPaddedPrompts(Qwen3Config config, int seed)
    {
        var random = new Random(seed);
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

    private static string Describe(Qwen3Config c) =>
        $"heads {c.NumAttentionHeads}/{c.NumKeyValueHeads}, head_dim {c.HeadDim}, hidden {c.HiddenSize}, tied {c.TieWordEmbeddings}, "
        + $"experts {c.NumExperts} top-{c.NumExpertsPerTok} norm {c.NormTopkProb}, rope {c.RopeScaling.Type}";
}
