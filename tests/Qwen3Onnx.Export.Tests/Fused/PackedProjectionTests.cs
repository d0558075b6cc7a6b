using System.Runtime.InteropServices;
using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Onnx.Proto;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests.Fused;

/// <summary>
/// The fused graph reads each block's input through one packed projection: q ‖ k ‖ v rows for attention and
/// gate ‖ up rows for the MLP, then a Split. The goldens in <see cref="FusedGoldenTests"/> pin what it computes.
/// </summary>
[TestClass]
public sealed class PackedProjectionTests
{
    private const string QkvWeight = "model.layers.0.self_attn.qkv_proj.weight";

    [TestMethod]
    [DataRow("tiny-qwen3", ExportDType.Fp32, 2, 4, 2)]
    [DataRow("tiny-qwen3", ExportDType.Int4, 2, 4, 2)]
    [DataRow("tiny-qwen3-untied-sharded", ExportDType.Int8, 3, 4, 1)]
    [DataRow("tiny-qwen3-moe", ExportDType.Fp32, 2, 4, 2)]
    public void EachLayerProjectsQkvOnceAndGathersItsQueryKeyAndValueHeads(string model, ExportDType dtype, int layers, long heads, long kvHeads)
    {
        var exported = OnnxModels.Read(FusedExports.Folder(model, dtype));

        for (int layer = 0; layer < layers; layer++)
        {
            var qkv = NodesIn(exported.Graph, $"/model/layers.{layer}/attn/qkv_proj/");
            Assert.AreEqual(1, qkv.Count(IsProjection), $"layer {layer}: one projection for q, k and v");
            Assert.IsFalse(qkv.Any(n => n.OpType is "Split" or "Slice"), $"layer {layer}: no Split or Slice (unsafe or crashing on ONNX Runtime's CUDA provider)");
            var gathers = qkv.Where(n => n.OpType == "Gather").ToList();
            Assert.IsTrue(gathers.All(n => n.Attribute.Single(a => a.Name == "axis").I == 2), $"layer {layer}: gathered along heads");
            var picked = gathers.Select(n => Int64s(OnnxModels.Initializer(exported, n.Input[1]))).ToArray();
            CollectionAssert.AreEqual(Range(0, heads), picked[0], $"layer {layer}: query heads");
            CollectionAssert.AreEqual(Range(heads, kvHeads), picked[1], $"layer {layer}: key heads");
            CollectionAssert.AreEqual(Range(heads + kvHeads, kvHeads), picked[2], $"layer {layer}: value heads");
            Assert.IsEmpty(NodesIn(exported.Graph, $"/model/layers.{layer}/attn/q_proj/"), $"layer {layer}: no separate q_proj");
            Assert.IsEmpty(NodesIn(exported.Graph, $"/model/layers.{layer}/attn/v_proj/"), $"layer {layer}: no separate v_proj");
        }
    }

    [TestMethod]
    [DataRow("tiny-qwen3", ExportDType.Fp32, 2, 128)]
    [DataRow("tiny-qwen3-untied-sharded", ExportDType.Int8, 3, 96)]
    public void EachDenseMlpProjectsGateAndUpOnceAndSplitsThemInHalves(string model, ExportDType dtype, int layers, long intermediate)
    {
        var exported = OnnxModels.Read(FusedExports.Folder(model, dtype));

        for (int layer = 0; layer < layers; layer++)
        {
            var gateUp = NodesIn(exported.Graph, $"/model/layers.{layer}/mlp/gate_up_proj/");
            Assert.AreEqual(1, gateUp.Count(IsProjection), $"layer {layer}: one projection for gate and up");
            var split = gateUp.Single(n => n.OpType == "Split");
            CollectionAssert.AreEqual(new[] { intermediate, intermediate }, Int64s(OnnxModels.Initializer(exported, split.Input[1])), $"layer {layer}: gate, up");
            Assert.AreEqual(2, NodesIn(exported.Graph, $"/model/layers.{layer}/mlp/").Count(IsProjection), $"layer {layer}: gate/up and down");
        }
    }

    [TestMethod]
    public void PackedFloatQkvWeightIsTheRowsOfQKAndVTransposed()
    {
        var model = OnnxModels.Read(FusedExports.Folder("tiny-qwen3"));
        var parts = CheckpointRows(Qwen3WeightNames.QProj(0), Qwen3WeightNames.KProj(0), Qwen3WeightNames.VProj(0));   // [256, 64]
        const int rows = 256, columns = 64;

        var packed = OnnxModels.Initializer(model, $"{QkvWeight}.T");

        CollectionAssert.AreEqual(new long[] { columns, rows }, packed.Dims.ToArray());
        var values = MemoryMarshal.Cast<byte, float>(packed.RawData.Span);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                Assert.AreEqual(parts[(r * columns) + c], values[(c * rows) + r], $"row {r}, column {c}");
            }
        }
    }

    [TestMethod]
    public void PackedInt4QkvWeightIsEachRowQuantizedAsItsOwnProjectionWouldBe()
    {
        var model = OnnxModels.Read(FusedExports.Folder("tiny-qwen3", ExportDType.Int4));
        var parts = CheckpointRows(Qwen3WeightNames.QProj(0), Qwen3WeightNames.KProj(0), Qwen3WeightNames.VProj(0));
        var expected = new BlockQuantizer(new BlockQuantizationFormat(4, ExportOptions.DefaultBlockSize), 64).Quantize(parts);

        var codes = OnnxModels.Initializer(model, $"{QkvWeight}.int4");
        var scales = OnnxModels.Initializer(model, $"{QkvWeight}.scales");

        CollectionAssert.AreEqual(new long[] { 256, 2, 16 }, codes.Dims.ToArray(), "[q + k + v rows, blocks, blob]");
        CollectionAssert.AreEqual(expected.Packed, codes.RawData.ToByteArray());
        CollectionAssert.AreEqual(expected.Scales, MemoryMarshal.Cast<byte, float>(scales.RawData.Span).ToArray());
    }

    private static bool IsProjection(NodeProto node) => node.OpType is "MatMul" or "MatMulNBits";

    private static List<NodeProto> NodesIn(GraphProto graph, string scope) =>
        graph.Node.Where(n => n.Name.StartsWith(scope, StringComparison.Ordinal)).ToList();

    private static long[] Range(long first, long count) => [.. Enumerable.Range(0, (int)count).Select(i => first + i)];

    private static long[] Int64s(TensorProto tensor) => MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray();

    /// <summary>The fixture's tensors [rows_i, columns] read back to back: their rows concatenated.</summary>
    private static float[] CheckpointRows(params string[] names)
    {
        using var checkpoint = Checkpoint.Open(SharedFixtures.Model("tiny-qwen3"));
        var values = new float[names.Sum(name => checkpoint.GetInfo(name).ElementCount)];
        long offset = 0;
        foreach (string name in names)
        {
            long count = checkpoint.GetInfo(name).ElementCount;
            checkpoint.ReadFloat32(name, 0, values.AsSpan((int)offset, (int)count));
            offset += count;
        }

        return values;
    }
}
