using Microsoft.ML.OnnxRuntime.Tensors;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests;

[TestClass]
public sealed class GraphContractTests
{
    [TestMethod]
    [DataRow(ExportDType.Fp32, TensorElementType.Float)]
    [DataRow(ExportDType.Fp16, TensorElementType.Float16)]
    public void InputsAndOutputsFollowTheIoContract(ExportDType dtype, TensorElementType kvType)
    {
        using var runner = new OrtGraphRunner(ExportedFixtures.Folder("tiny-qwen3", dtype));
        var inputs = runner.Session.InputMetadata;
        var outputs = runner.Session.OutputMetadata;

        CollectionAssert.AreEqual(GraphIoNames.Inputs(2).ToList(), runner.Session.InputNames.ToList());
        CollectionAssert.AreEqual(GraphIoNames.Outputs(2).ToList(), runner.Session.OutputNames.ToList());
        foreach (string name in new[] { GraphIoNames.InputIds, GraphIoNames.AttentionMask, GraphIoNames.PositionIds })
        {
            Assert.AreEqual(TensorElementType.Int64, inputs[name].ElementDataType, name);
            CollectionAssert.AreEqual(new[] { -1, -1 }, inputs[name].Dimensions, name);
        }

        Assert.AreEqual(kvType, inputs["past_key_values.1.value"].ElementDataType);
        CollectionAssert.AreEqual(new[] { -1, 2, -1, 32 }, inputs["past_key_values.1.value"].Dimensions);
        Assert.AreEqual(kvType, outputs["present.0.key"].ElementDataType);
        CollectionAssert.AreEqual(new[] { -1, 2, -1, 32 }, outputs["present.0.key"].Dimensions);
        Assert.AreEqual(TensorElementType.Float, outputs[GraphIoNames.Logits].ElementDataType);
        CollectionAssert.AreEqual(new[] { -1, -1, 512 }, outputs[GraphIoNames.Logits].Dimensions);
        CollectionAssert.AreEqual(
            new[] { GraphIoNames.Batch, GraphIoNames.TotalSequenceLength },
            inputs[GraphIoNames.AttentionMask].SymbolicDimensions);
    }

    [TestMethod]
    public void ModelDeclaresIrVersion10AndOpset21()
    {
        var model = OnnxModels.Read(ExportedFixtures.Folder("tiny-qwen3"));

        Assert.AreEqual(10, model.IrVersion);
        Assert.AreEqual(21, model.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.HasCount(1, model.OpsetImport);
    }

    [TestMethod]
    public void TiedModelProjectsLogitsWithTheTransposedEmbeddingAndNeedsNoLmHead()
    {
        using (var checkpoint = Checkpoint.Open(SharedFixtures.Model("tiny-qwen3")))
        {
            Assert.IsFalse(checkpoint.Contains(Qwen3WeightNames.LmHead));
        }

        var tied = OnnxModels.Read(ExportedFixtures.Folder("tiny-qwen3")).Graph.Initializer.Select(i => i.Name).ToList();
        var untied = OnnxModels.Read(ExportedFixtures.Folder("tiny-qwen3-untied-sharded")).Graph.Initializer.Select(i => i.Name).ToList();

        CollectionAssert.Contains(tied, "model.embed_tokens.weight.T");
        CollectionAssert.DoesNotContain(tied, "lm_head.weight.T");
        CollectionAssert.Contains(untied, "lm_head.weight.T");
        CollectionAssert.DoesNotContain(untied, "model.embed_tokens.weight.T");
    }

    [TestMethod]
    public void NodesAreNamedAfterTheBlockThatEmitsThem()
    {
        var names = OnnxModels.Read(ExportedFixtures.Folder("tiny-qwen3")).Graph.Node.Select(n => n.Name).ToList();

        CollectionAssert.Contains(names, "/model/layers.0/attn/q_proj/MatMul");
        CollectionAssert.Contains(names, "/model/layers.1/mlp/down_proj/MatMul");
        CollectionAssert.Contains(names, "/model/embed_tokens/Gather");
        CollectionAssert.Contains(names, "/model/lm_head/MatMul");
        Assert.AreEqual(names.Count, names.Distinct().Count());
    }

    [TestMethod]
    public void EveryLayerEmitsTheSameDenseOps()
    {
        var nodes = OnnxModels.Read(ExportedFixtures.Folder("tiny-qwen3")).Graph.Node;

        string OpsOf(int layer) => string.Join(",", nodes.Where(n => n.Name.StartsWith($"/model/layers.{layer}/", StringComparison.Ordinal)).Select(n => n.OpType));
        Assert.AreEqual(OpsOf(0), OpsOf(1));
        Assert.AreEqual(7, nodes.Count(n => n.Name.StartsWith("/model/layers.0/", StringComparison.Ordinal) && n.OpType == "MatMul" && n.Name.EndsWith("_proj/MatMul", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void MoeLayerGathersOnlyTheChosenExpertsWeightsInTokenChunks()
    {
        var model = OnnxModels.Read(ExportedFixtures.Folder("tiny-qwen3-moe"));
        var moeNodes = model.Graph.Node.Where(n => n.Name.StartsWith("/model/layers.0/moe/", StringComparison.Ordinal)).ToList();
        var loop = moeNodes.Single(n => n.OpType == "Loop");
        var body = loop.Attribute.Single(a => a.Name == "body").G.Node;

        var topK = moeNodes.Single(n => n.OpType == "TopK");
        Assert.AreEqual(2, BitConverter.ToInt64(OnnxModels.Initializer(model, topK.Input[1]).RawData.Span));
        Assert.AreEqual(3, body.Count(n => n.OpType == "Gather" && n.Name.Contains("/experts/", StringComparison.Ordinal)));
        Assert.IsFalse(moeNodes.Any(n => n.OpType == "Gather"), "expert weights are gathered only inside the chunk loop");
        CollectionAssert.AreEqual(new long[] { 8, 64, 32 }, OnnxModels.Initializer(model, "model.layers.0.mlp.experts.gate_proj.weight.stacked").Dims.ToArray());
        CollectionAssert.AreEqual(new long[] { 8, 32, 64 }, OnnxModels.Initializer(model, "model.layers.0.mlp.experts.down_proj.weight.stacked").Dims.ToArray());
        Assert.AreEqual(
            (int)Onnx.Proto.TensorProto.Types.DataType.Float,
            OnnxModels.Initializer(model, "model.layers.0.mlp.gate.weight.T").DataType,
            "router weights stay float32");
    }
}
