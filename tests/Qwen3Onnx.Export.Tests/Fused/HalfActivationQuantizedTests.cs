using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Onnx.Proto;

namespace Qwen3Onnx.Export.Tests.Fused;

/// <summary>int4 weights with float16 activations and cache: the layout the GPU kernels run fastest.</summary>
[TestClass]
public sealed class HalfActivationQuantizedTests
{
    [TestMethod]
    public void Int4WithFp16ActivationsKeepsScalesActivationsAndCacheInFloat16()
    {
        string folder = Export("tiny-qwen3");
        var model = OnnxModels.Read(folder);
        var manifest = ExportManifest.ReadFolder(folder);

        Assert.AreEqual("int4", manifest.DType);
        Assert.AreEqual("float16", manifest.KvDType);
        int fp16 = (int)TensorProto.Types.DataType.Float16;
        var matMul = model.Graph.Node.First(n => n.OpType == "MatMulNBits");
        Assert.AreEqual(fp16, OnnxModels.Initializer(model, matMul.Input[2]).DataType, "scales in the activation dtype");
        Assert.AreEqual(fp16, model.Graph.Input.Single(i => i.Name == "past_key_values.0.key").Type.TensorType.ElemType);
        Assert.AreEqual((int)TensorProto.Types.DataType.Float, model.Graph.Output.Single(o => o.Name == "logits").Type.TensorType.ElemType);
    }

    /// <summary>Against the float32 graph of the same dequantized weights: only float16 rounding of activations separates them.</summary>
    [TestMethod]
    [DataRow("tiny-qwen3", 0.995)]
    [DataRow("tiny-qwen3-moe", 0.97)]
    public void Int4WithFp16ActivationsComputesTheModelOfItsDequantizedWeights(string model, double minCosine)
    {
        var recipe = QuantizationRecipe.For(4, ExportOptions.DefaultBlockSize);
        string dequantized = DequantizedCheckpoint.Export(model, recipe);
        using var reference = new OrtGraphRunner(dequantized);
        using var half = new OrtGraphRunner(Export(model));

        foreach (var testCase in ExpectedFixture.Load(model).Cases)
        {
            Assert.IsGreaterThanOrEqualTo(minCosine, Logits.MinCosine(reference.PromptLogits(testCase.PromptIds), half.PromptLogits(testCase.PromptIds)), $"prompt of {testCase.PromptIds.Length} tokens");
        }
    }

    [TestMethod]
    public void ActivationsAreOnlyChosenForQuantizedWeights()
    {
        var options = new ExportOptions { Preset = "0.6B", SyntheticSeed = 1, OutputFolder = "unused", DType = ExportDType.Fp16, Activations = ExportDType.Fp32 };

        var error = Assert.ThrowsExactly<Models.Qwen3OnnxException>(() => options.Validate());
        StringAssert.Contains(error.Message, "activations");
    }

    private static string Export(string model)
    {
        string folder = ExportedFixtures.TempFolder($"{model}-int4-fp16-activations");
        Qwen3Exporter.Export(new ExportOptions
        {
            SourceFolder = Testing.SharedFixtures.Model(model),
            OutputFolder = folder,
            DType = ExportDType.Int4,
            Activations = ExportDType.Fp16,
            Graph = ExportGraph.Fused,
        });
        return folder;
    }
}
