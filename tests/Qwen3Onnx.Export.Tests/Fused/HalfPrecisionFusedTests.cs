using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Onnx.Proto;

namespace Qwen3Onnx.Export.Tests.Fused;

[TestClass]
public sealed class HalfPrecisionFusedTests
{
    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-moe")]
    public void FusedFp16GraphStaysWithinTwoHundredthsOfFusedFp32Logits(string model)
    {
        var prompt = ExpectedFixture.Load(model).Cases[^1].PromptIds;
        using var fp32 = new OrtGraphRunner(FusedExports.Folder(model));
        using var fp16 = new OrtGraphRunner(FusedExports.Folder(model, ExportDType.Fp16));

        Assert.AreEqual(0, Logits.MaxAbsDifference(fp32.PromptLogits(prompt), fp16.PromptLogits(prompt)), 2e-2);
    }

    /// <summary>ONNX Runtime's CPU provider has no bfloat16 kernels, so the bf16 graph is checked by its types only.</summary>
    [TestMethod]
    public void Bf16GraphKeepsWeightsActivationsAndKvCacheInBfloat16AndLogitsInFloat32()
    {
        string folder = FusedExports.Folder("tiny-qwen3", ExportDType.Bf16);
        var model = OnnxModels.Read(folder);
        int bf16 = (int)TensorProto.Types.DataType.Bfloat16;

        Assert.AreEqual(bf16, model.Graph.Input.Single(i => i.Name == GraphIoNames.PastKey(0)).Type.TensorType.ElemType);
        Assert.AreEqual(bf16, model.Graph.Output.Single(o => o.Name == GraphIoNames.PresentValue(1)).Type.TensorType.ElemType);
        Assert.AreEqual((int)TensorProto.Types.DataType.Float, model.Graph.Output.Single(o => o.Name == GraphIoNames.Logits).Type.TensorType.ElemType);
        Assert.AreEqual(bf16, OnnxModels.Initializer(model, "model.layers.0.self_attn.qkv_proj.weight.T").DataType);
        var manifest = ExportManifest.ReadFolder(folder);
        Assert.AreEqual("bf16", manifest.DType);
        Assert.AreEqual("bfloat16", manifest.KvDType);
    }
}
