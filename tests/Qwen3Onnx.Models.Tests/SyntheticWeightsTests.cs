using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Models.Tests;

[TestClass]
public sealed class SyntheticWeightsTests
{
    // Uniform with the documented standard deviation 0.02 has half-width 0.02·√3.
    private static readonly float MatrixHalfWidth = 0.02f * MathF.Sqrt(3f);

    [TestMethod]
    public void SameSeedAndNameGiveTheSameValues()
    {
        var config = TestCheckpoints.TinyConfig();
        using var first = new SyntheticWeights(config, seed: 42);
        using var second = new SyntheticWeights(config, seed: 42);

        CollectionAssert.AreEqual(ReadAll(first, Qwen3WeightNames.QProj(1)), ReadAll(second, Qwen3WeightNames.QProj(1)));
    }

    [TestMethod]
    [DataRow(0L, 1)]
    [DataRow(3L, 17)]
    [DataRow(1000L, 4096)]
    [DataRow(32767L, 1)]
    public void SlicesAgreeWithTheFullRead(long offset, int length)
    {
        using var weights = new SyntheticWeights(TestCheckpoints.TinyConfig(), seed: 3);
        float[] full = ReadAll(weights, Qwen3WeightNames.Embedding);

        var slice = new float[length];
        weights.ReadFloat32(Qwen3WeightNames.Embedding, offset, slice);

        CollectionAssert.AreEqual(full.AsSpan((int)offset, length).ToArray(), slice);
    }

    [TestMethod]
    public void ALargeReadFilledInParallelEqualsSmallReadsInOrder()
    {
        // 0.6B's embedding (151936 × 1024) is large enough that one read of 600k values is split across threads.
        using var weights = new SyntheticWeights(Qwen3Presets.Get("0.6B"), seed: 5);
        const long offset = 12_345;
        var large = new float[600_000];
        weights.ReadFloat32(Qwen3WeightNames.Embedding, offset, large);

        var small = new float[large.Length];
        for (int at = 0; at < small.Length; at += 1000)
        {
            weights.ReadFloat32(Qwen3WeightNames.Embedding, offset + at, small.AsSpan(at, Math.Min(1000, small.Length - at)));
        }

        CollectionAssert.AreEqual(small, large);
    }

    [TestMethod]
    public void DifferentSeedsGiveDifferentValues()
    {
        var config = TestCheckpoints.TinyConfig();
        using var first = new SyntheticWeights(config, seed: 1);
        using var second = new SyntheticWeights(config, seed: 2);

        float[] a = ReadAll(first, Qwen3WeightNames.DownProj(0));
        float[] b = ReadAll(second, Qwen3WeightNames.DownProj(0));

        Assert.IsLessThan(a.Length / 100, a.Zip(b).Count(p => p.First == p.Second));
    }

    [TestMethod]
    public void TensorsOfTheSameShapeGetDifferentValues()
    {
        using var weights = new SyntheticWeights(TestCheckpoints.TinyConfig(), seed: 1);

        float[] gate = ReadAll(weights, Qwen3WeightNames.GateProj(0));
        float[] up = ReadAll(weights, Qwen3WeightNames.UpProj(0));

        Assert.IsLessThan(gate.Length / 100, gate.Zip(up).Count(p => p.First == p.Second));
    }

    [TestMethod]
    [DataRow("tiny")]
    [DataRow("30B-A3B")]
    public void ShapesComeFromTheExpectedTable(string preset)
    {
        var config = preset == "tiny" ? TestCheckpoints.TinyConfig() : Qwen3Presets.Get(preset);
        using var weights = new SyntheticWeights(config);

        foreach (var (name, shape) in Qwen3WeightNames.Expected(config))
        {
            CollectionAssert.AreEqual(shape, weights.GetInfo(name).Shape.ToArray(), name);
        }

        Qwen3WeightNames.Validate(config, weights);
        Assert.AreEqual(!config.TieWordEmbeddings, weights.Contains(Qwen3WeightNames.LmHead));
    }

    [TestMethod]
    public void MatrixValuesLieInTheDocumentedUniformRange()
    {
        using var weights = new SyntheticWeights(TestCheckpoints.TinyConfig(), seed: 5, storedAs: TensorDType.Float32);

        float[] values = ReadAll(weights, Qwen3WeightNames.Embedding);

        Assert.IsTrue(values.All(v => v >= -MatrixHalfWidth && v <= MatrixHalfWidth));
        Assert.IsGreaterThan(0.99f * MatrixHalfWidth, values.Max());
        Assert.IsLessThan(-0.99f * MatrixHalfWidth, values.Min());
    }

    [TestMethod]
    public void NormValuesLieWithinOnePlusOrMinusATenth()
    {
        var config = TestCheckpoints.TinyConfig();
        using var weights = new SyntheticWeights(config, seed: 5, storedAs: TensorDType.Float32);

        foreach (string name in new[] { Qwen3WeightNames.FinalNorm, Qwen3WeightNames.QNorm(0), Qwen3WeightNames.InputNorm(1) })
        {
            float[] values = ReadAll(weights, name);
            Assert.IsTrue(values.All(v => v >= 0.9f && v <= 1.1f), name);
            Assert.IsTrue(values.Distinct().Count() > values.Length / 2, name);
        }
    }

    [TestMethod]
    public void MatrixMeanIsNearZeroAndStandardDeviationNearTwoHundredths()
    {
        using var weights = new SyntheticWeights(TestCheckpoints.TinyConfig(), seed: 9);

        float[] values = ReadAll(weights, Qwen3WeightNames.Embedding);
        double mean = values.Average(v => (double)v);
        double std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));

        // 32768 samples: the standard error of the mean is about 1e-4, of the deviation under 1e-4.
        Assert.AreEqual(0.0, mean, 6e-4);
        Assert.AreEqual(0.02, std, 5e-4);
    }

    [TestMethod]
    public void ValuesAreRepresentableInTheStoredDtype()
    {
        var config = TestCheckpoints.TinyConfig();
        using var bf16 = new SyntheticWeights(config, storedAs: TensorDType.BFloat16);
        using var f16 = new SyntheticWeights(config, storedAs: TensorDType.Float16);

        float[] bf16Values = ReadAll(bf16, Qwen3WeightNames.OProj(0));
        float[] f16Values = ReadAll(f16, Qwen3WeightNames.OProj(0));

        Assert.IsTrue(bf16Values.All(v => (BitConverter.SingleToUInt32Bits(v) & 0xFFFF) == 0));
        Assert.IsTrue(f16Values.All(v => (float)(Half)v == v));
        Assert.AreEqual(TensorDType.Float16, f16.GetInfo(Qwen3WeightNames.OProj(0)).DType);
    }

    [TestMethod]
    public void MissingTensorNamesTheSourceAndTensor()
    {
        using var weights = new SyntheticWeights(TestCheckpoints.TinyConfig(), seed: 4);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => weights.GetInfo(Qwen3WeightNames.LmHead));

        StringAssert.Contains(ex.Message, "synthetic weights (seed 4)");
        StringAssert.Contains(ex.Message, $"'{Qwen3WeightNames.LmHead}'");
    }

    [TestMethod]
    public void ReadPastTheEndIsRefused()
    {
        using var weights = new SyntheticWeights(TestCheckpoints.TinyConfig());

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => weights.ReadFloat32(Qwen3WeightNames.FinalNorm, 60, new float[5]));
    }

    private static float[] ReadAll(IWeightSource weights, string name)
    {
        var values = new float[weights.GetInfo(name).ElementCount];
        weights.ReadFloat32(name, 0, values);
        return values;
    }
}
