using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Export.Tests.Fused;

[TestClass]
public sealed class ExportGraphOptionTests
{
    [TestMethod]
    [DataRow(ExportDType.Fp32, ExportGraph.Portable)]
    [DataRow(ExportDType.Fp16, ExportGraph.Portable)]
    [DataRow(ExportDType.Int8, ExportGraph.Fused)]
    [DataRow(ExportDType.Int4, ExportGraph.Fused)]
    public void UnsetGraphIsFusedExactlyWhenTheDTypeNeedsIt(ExportDType dtype, ExportGraph expected)
    {
        Assert.AreEqual(expected, new ExportOptions { OutputFolder = "x", DType = dtype }.ResolvedGraph);
    }

    [TestMethod]
    public void QuantizedWeightsOnThePortableGraphAreRejected()
    {
        var options = new ExportOptions { Preset = "0.6B", SyntheticSeed = 1, OutputFolder = "x", DType = ExportDType.Int4, Graph = ExportGraph.Portable };

        Assert.ThrowsExactly<Qwen3OnnxException>(() => options.Validate());
    }

    [TestMethod]
    [DataRow(24)]
    [DataRow(8)]
    [DataRow(512)]
    public void BlockSizeMustBeAPowerOfTwoFrom16To256(int blockSize)
    {
        var options = new ExportOptions { Preset = "0.6B", SyntheticSeed = 1, OutputFolder = "x", DType = ExportDType.Int4, BlockSize = blockSize };

        Assert.ThrowsExactly<Qwen3OnnxException>(() => options.Validate());
    }

    [TestMethod]
    [DataRow(ExportDType.Int4, 6)]
    [DataRow(ExportDType.Int8, 4)]
    [DataRow(ExportDType.Fp16, 8)]
    public void OutputBitsAre4Or8ForInt4And8ForInt8Only(ExportDType dtype, int bits)
    {
        var options = new ExportOptions { Preset = "0.6B", SyntheticSeed = 1, OutputFolder = "x", DType = dtype, Graph = ExportGraph.Fused, OutputBits = bits };

        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => options.Validate());
        StringAssert.Contains(error.Message, "output bits");
    }

    [TestMethod]
    public void DTypeAndGraphNamesParse()
    {
        Assert.AreEqual(ExportDType.Int4, ExportOptions.ParseDType("INT4"));
        Assert.AreEqual(ExportDType.Int8, ExportOptions.ParseDType("int8"));
        Assert.AreEqual(ExportGraph.Fused, ExportOptions.ParseGraph("fused"));
        Assert.ThrowsExactly<Qwen3OnnxException>(() => ExportOptions.ParseGraph("fast"));
    }

    /// <summary>Block 64 does not divide the fixture's expert sizes: the last block is partial (numbers: RandomConfigQuantizedTests).</summary>
    [TestMethod]
    public void ExpertsThatAreNotWholeBlocksExportWithAPartialLastBlockAndRun()
    {
        var options = new ExportOptions
        {
            SourceFolder = Testing.SharedFixtures.Model("tiny-qwen3-moe"),
            OutputFolder = ExportedFixtures.TempFolder("moe-block-64"),
            DType = ExportDType.Int4,
            BlockSize = 64,
        };

        Qwen3Exporter.Export(options);
        using var runner = new OrtGraphRunner(options.OutputFolder);
        var logits = runner.PromptLogits([1, 2, 3]);
        Assert.IsTrue(logits.All(row => row.All(float.IsFinite)));
    }
}
