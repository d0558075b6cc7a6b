using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Onnx.Proto;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests.Fused;

[TestClass]
public sealed class FusedGraphStructureTests
{
    [TestMethod]
    [DataRow("tiny-qwen3", 2)]
    [DataRow("tiny-qwen3-untied-sharded", 3)]
    public void DenseFloatLayersUseGroupQueryAttentionAndFusedNorms(string model, int layers)
    {
        var graph = OnnxModels.Read(FusedExports.Folder(model)).Graph;

        for (int layer = 0; layer < layers; layer++)
        {
            var ops = OpsOf(graph, $"/model/layers.{layer}/");
            Assert.AreEqual(1, ops.Count(op => op == "GroupQueryAttention"), $"layer {layer}");
            Assert.AreEqual(2, ops.Count(op => op == "SkipSimplifiedLayerNormalization"), $"layer {layer}: attention and MLP residuals");
            Assert.AreEqual(2, ops.Count(op => op == "SimplifiedLayerNormalization"), $"layer {layer}: q_norm and k_norm");
            Assert.AreEqual(4, ops.Count(op => op == "MatMul"), $"layer {layer}: packed qkv, o, packed gate/up, down");
            Assert.IsFalse(ops.Contains("Softmax"), $"layer {layer}: attention is not decomposed");
            Assert.AreEqual(2, ops.Count(op => op == "RotaryEmbedding"), $"layer {layer}: q and k rotated by the contrib op");
            Assert.IsFalse(ops.Contains("Neg"), $"layer {layer}: RoPE is not decomposed");
        }

        Assert.AreEqual(1, graph.Node.Count(n => n.OpType == "SimplifiedLayerNormalization" && n.Name.StartsWith("/model/input_layernorm/", StringComparison.Ordinal)));
        var gqa = graph.Node.First(n => n.OpType == "GroupQueryAttention");
        Assert.AreEqual("com.microsoft", gqa.Domain);
        Assert.AreEqual(0, gqa.Attribute.Single(a => a.Name == "do_rotary").I, "RoPE stays outside GQA: its own positions would count the padding");
        var rotary = graph.Node.First(n => n.OpType == "RotaryEmbedding");
        Assert.AreEqual("com.microsoft", rotary.Domain);
        Assert.AreEqual("position_ids", rotary.Input[1], "rows rotate by their real positions");
    }

    /// <summary>A standing Slice crashes ONNX Runtime 1.29's CUDA provider (seen on the H100); the fused graph has none.</summary>
    [TestMethod]
    [DataRow("tiny-qwen3", ExportDType.Fp32, false)]
    [DataRow("tiny-qwen3", ExportDType.Int4, true)]
    [DataRow("tiny-qwen3-moe", ExportDType.Fp16, true)]
    public void FusedGraphHasNoSliceNodes(string model, ExportDType dtype, bool lastTokenLogitsOnly)
    {
        var graph = OnnxModels.Read(FusedExports.Folder(model, dtype, lastTokenLogitsOnly)).Graph;

        Assert.IsFalse(graph.Node.Any(n => n.OpType == "Slice"), string.Join(", ", graph.Node.Where(n => n.OpType == "Slice").Select(n => n.Name)));
    }

    [TestMethod]
    public void FusedModelImportsTheContribDomain()
    {
        var model = OnnxModels.Read(FusedExports.Folder("tiny-qwen3"));

        CollectionAssert.Contains(model.OpsetImport.Select(o => o.Domain).ToList(), "com.microsoft");
        var manifest = ExportManifest.ReadFolder(FusedExports.Folder("tiny-qwen3"));
        Assert.AreEqual("fused", manifest.Graph);
        Assert.AreEqual("fp32", manifest.DType);
    }

    [TestMethod]
    public void MoeLayersUseTheMoeOperatorWithAFloat32Router()
    {
        var model = OnnxModels.Read(FusedExports.Folder("tiny-qwen3-moe"));

        for (int layer = 0; layer < 2; layer++)
        {
            var moe = model.Graph.Node.Single(n => n.OpType == "MoE" && n.Name.StartsWith($"/model/layers.{layer}/moe/", StringComparison.Ordinal));
            Assert.AreEqual(1, moe.Attribute.Single(a => a.Name == "swiglu_fusion").I);
            Assert.AreEqual(2, moe.Attribute.Single(a => a.Name == "k").I);
            CollectionAssert.AreEqual(new long[] { 8, 64, 64 }, OnnxModels.Initializer(model, moe.Input[2]).Dims.ToArray(), "fc1 [E, 2·inter, hidden]");
            CollectionAssert.AreEqual(new long[] { 8, 64, 32 }, OnnxModels.Initializer(model, moe.Input[4]).Dims.ToArray(), "fc2 [E, hidden, inter]");
        }

        Assert.IsFalse(model.Graph.Node.Any(n => n.OpType == "Loop"), "no portable expert loop");
        Assert.AreEqual((int)TensorProto.Types.DataType.Float, OnnxModels.Initializer(model, "model.layers.0.mlp.gate.weight.T").DataType);
    }

    [TestMethod]
    [DataRow("tiny-qwen3", ExportDType.Int4, 2)]
    [DataRow("tiny-qwen3-untied-sharded", ExportDType.Int8, 3)]
    public void QuantizedDenseGraphProjectsEveryLinearThroughMatMulNBits(string model, ExportDType dtype, int layers)
    {
        var graph = OnnxModels.Read(FusedExports.Folder(model, dtype)).Graph;

        Assert.AreEqual((4 * layers) + 1, graph.Node.Count(n => n.OpType == "MatMulNBits"), "packed qkv, o, packed gate/up, down per layer and lm_head");
        Assert.IsFalse(graph.Node.Any(n => n.OpType == "MatMul"));
        long bits = dtype == ExportDType.Int4 ? 4 : 8;
        var lmHead = graph.Node.Single(n => n.Name == "/model/lm_head/MatMulNBits");
        Assert.IsTrue(graph.Node.Where(n => n.OpType == "MatMulNBits" && n != lmHead).All(n =>
            n.Attribute.Single(a => a.Name == "bits").I == bits
            && n.Attribute.Single(a => a.Name == "block_size").I == 32
            && n.Attribute.Single(a => a.Name == "accuracy_level").I == 4));
        Assert.AreEqual(8, lmHead.Attribute.Single(a => a.Name == "bits").I, "the output projection stays 8-bit");
    }

    [TestMethod]
    public void OutputBits4PutsTheTiedEmbeddingAndTheOutputProjectionIn4BitsAndTheManifestSaysSo()
    {
        string folder = ExportedFixtures.TempFolder("tiny-qwen3-int4-head4");
        Qwen3Exporter.Export(new ExportOptions
        {
            SourceFolder = SharedFixtures.Model("tiny-qwen3"),
            OutputFolder = folder,
            DType = ExportDType.Int4,
            OutputBits = 4,
        });
        var graph = OnnxModels.Read(folder).Graph;

        Assert.AreEqual(4, graph.Node.Single(n => n.OpType == "GatherBlockQuantized").Attribute.Single(a => a.Name == "bits").I);
        Assert.AreEqual(4, graph.Node.Single(n => n.Name == "/model/lm_head/MatMulNBits").Attribute.Single(a => a.Name == "bits").I);
        Assert.AreEqual(4, ExportManifest.ReadFolder(folder).Quantization!.OutputBits);
    }

    [TestMethod]
    public void Int4KeepsTheTiedEmbeddingAt8BitsAndTheManifestSaysSo()
    {
        var graph = OnnxModels.Read(FusedExports.Folder("tiny-qwen3", ExportDType.Int4)).Graph;
        var manifest = ExportManifest.ReadFolder(FusedExports.Folder("tiny-qwen3", ExportDType.Int4));

        var gather = graph.Node.Single(n => n.OpType == "GatherBlockQuantized");
        Assert.AreEqual(8, gather.Attribute.Single(a => a.Name == "bits").I);
        Assert.IsNotNull(manifest.Quantization);
        Assert.AreEqual(4, manifest.Quantization.Bits);
        Assert.AreEqual(8, manifest.Quantization.OutputBits);
        Assert.AreEqual(32, manifest.Quantization.BlockSize);
        Assert.IsNull(ExportManifest.ReadFolder(FusedExports.Folder("tiny-qwen3")).Quantization);
    }

    [TestMethod]
    public void TiedQuantizedEmbeddingUsesGatherBlockQuantizedAndUntiedKeepsAFloatGather()
    {
        var tied = OnnxModels.Read(FusedExports.Folder("tiny-qwen3", ExportDType.Int4)).Graph;
        var untied = OnnxModels.Read(FusedExports.Folder("tiny-qwen3-untied-sharded", ExportDType.Int8)).Graph;

        Assert.AreEqual("GatherBlockQuantized", tied.Node.Single(n => n.Name.StartsWith("/model/embed_tokens/", StringComparison.Ordinal)).OpType);
        Assert.AreEqual("Gather", untied.Node.Single(n => n.Name.StartsWith("/model/embed_tokens/", StringComparison.Ordinal)).OpType);
    }

    [TestMethod]
    public void QuantizedMoeUsesQMoeAndKeepsTheRouterMatMulInFloat32()
    {
        var model = OnnxModels.Read(FusedExports.Folder("tiny-qwen3-moe", ExportDType.Int4));
        var graph = model.Graph;

        var qmoe = graph.Node.Where(n => n.OpType == "QMoE").ToList();
        Assert.HasCount(2, qmoe);
        Assert.AreEqual(4, qmoe[0].Attribute.Single(a => a.Name == "expert_weight_bits").I);
        CollectionAssert.AreEqual(new long[] { 8, 64, 32 }, OnnxModels.Initializer(model, qmoe[0].Input[2]).Dims.ToArray(), "fc1 codes [E, 2·inter, hidden/2]");
        CollectionAssert.AreEqual(new long[] { 8, 64, 16 }, OnnxModels.Initializer(model, qmoe[0].Input[5]).Dims.ToArray(), "fc2 codes [E, hidden, inter/2]");
        Assert.AreEqual((2 * 2) + 1, graph.Node.Count(n => n.OpType == "MatMulNBits"), "packed qkv and o per layer, and lm_head");
        Assert.AreEqual(2, graph.Node.Count(n => n.OpType == "MatMul" && n.Name.Contains("/moe/router/", StringComparison.Ordinal)));
        var manifest = ExportManifest.ReadFolder(FusedExports.Folder("tiny-qwen3-moe", ExportDType.Int4));
        Assert.AreEqual("int4", manifest.DType);
        Assert.AreEqual("float32", manifest.KvDType);
    }

    private static List<string> OpsOf(GraphProto graph, string prefix) =>
        graph.Node.Where(n => n.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(n => n.OpType).ToList();
}
