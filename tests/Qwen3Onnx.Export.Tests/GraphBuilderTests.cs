using Qwen3Onnx.Onnx;
using Qwen3Onnx.Onnx.Proto;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Tests;

[TestClass]
public sealed class GraphBuilderTests
{
    [TestMethod]
    public void NodesAreNamedByScopeAndOpAndStayUnique()
    {
        using var data = NewDataFile(out _);
        var g = new GraphBuilder("model", data);
        var x = g.AddInput("x", DataType.Float, "batch", 4);

        OnnxValue first, second;
        using (g.Scope("layers.0"))
        using (g.Scope("attn"))
        {
            first = g.Sigmoid(x);
            second = g.Sigmoid(first);
        }

        Assert.AreEqual("/model/layers.0/attn/Sigmoid", g.Graph.Node[0].Name);
        Assert.AreEqual("/model/layers.0/attn/Sigmoid_1", g.Graph.Node[1].Name);
        Assert.AreEqual("/model/layers.0/attn/Sigmoid/output_0", first.Name);
        Assert.AreNotEqual(first.Name, second.Name);
        Assert.AreEqual("/model/Sigmoid", NameOf(g.Sigmoid(x), g));
    }

    [TestMethod]
    public void EmittersCreateValueInfoWithInferredShapes()
    {
        using var data = NewDataFile(out _);
        var g = new GraphBuilder("model", data);
        var a = g.AddInput("a", DataType.Float, "batch", "seq", 8);
        var w = g.AddInitializer("w", DataType.Float, [8, 3], s => s.Write(new byte[8 * 3 * 4]));

        var y = g.MatMul(a, w);

        Assert.AreEqual("batch,seq,3", string.Join(",", y.Shape));
        var info = g.Graph.ValueInfo.Single(v => v.Name == y.Name);
        Assert.AreEqual("batch", info.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.AreEqual(3, info.Type.TensorType.Shape.Dim[2].DimValue);
        Assert.AreEqual((int)DataType.Float, info.Type.TensorType.ElemType);
    }

    [TestMethod]
    public void SmallConstantsAreDeduplicated()
    {
        using var data = NewDataFile(out _);
        var g = new GraphBuilder("model", data);

        var a = g.Constant(0, 0, 4, 32);
        var b = g.Constant(0, 0, 4, 32);
        var c = g.Constant(0, 0, 4, 16);
        var half = g.Scalar(0.5f);

        Assert.AreSame(a, b);
        Assert.AreNotEqual(a.Name, c.Name);
        Assert.AreSame(half, g.Scalar(0.5f));
        Assert.AreNotEqual(half.Name, g.Scalar(0.5f, DataType.Float16).Name);
        Assert.HasCount(4, g.Graph.Initializer);
    }

    [TestMethod]
    public void InitializersStreamToAlignedOffsetsInTheDataFile()
    {
        using var data = NewDataFile(out string path);
        var g = new GraphBuilder("model", data);

        g.AddInitializer("first", DataType.Float16, [3], s => s.Write(new byte[6]));
        g.AddInitializer("second", DataType.Float, [2], s => s.Write(BitConverter.GetBytes(1f).Concat(BitConverter.GetBytes(2f)).ToArray()));
        data.Flush();

        var second = g.Graph.Initializer[1];
        Assert.AreEqual(TensorProto.Types.DataLocation.External, second.DataLocation);
        Assert.AreEqual("4096", second.ExternalData.Single(e => e.Key == "offset").Value);
        Assert.AreEqual("8", second.ExternalData.Single(e => e.Key == "length").Value);
        Assert.AreEqual(Path.GetFileName(path), second.ExternalData.Single(e => e.Key == "location").Value);
        Assert.AreEqual(4096 + 8, new FileInfo(path).Length);
        Assert.AreEqual(14, data.TensorBytes);
    }

    [TestMethod]
    public void InitializerWritingTheWrongByteCountIsRejected()
    {
        using var data = NewDataFile(out _);
        var g = new GraphBuilder("model", data);

        Assert.ThrowsExactly<InvalidOperationException>(() => g.AddInitializer("w", DataType.Float, [4], s => s.Write(new byte[12])));
    }

    [TestMethod]
    public void InlineModelCarriesTheStreamedWeightBytes()
    {
        using var data = NewDataFile(out string path);
        var g = new GraphBuilder("model", data);
        var x = g.AddInput("x", DataType.Float, 2);
        byte[] bytes = Enumerable.Range(0, 4 * 2 * 3).Select(i => (byte)i).ToArray();
        var w = g.AddInitializer("w", DataType.Float, [2, 3], s => s.Write(bytes));
        g.AddOutput(g.MatMul(x, w), "y");
        string modelPath = path + ".onnx";

        OnnxModelWriter.WriteInline(g.ToModel("test"), data, modelPath);

        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        var inline = model.Graph.Initializer.Single(i => i.Name == "w");
        CollectionAssert.AreEqual(bytes, inline.RawData.ToByteArray());
        Assert.IsEmpty(inline.ExternalData);
        Assert.AreEqual("y", model.Graph.Output.Single().Name);
        Assert.AreEqual(2, model.Graph.Node.Count);
    }

    [TestMethod]
    public void InlineModelMovesTensorsLargerThanOneChunkAndLeavesTheDataFileEmpty()
    {
        using var data = NewDataFile(out string path);
        var g = new GraphBuilder("model", data);
        var x = g.AddInput("x", DataType.Float, 3);

        // 9 MiB: more than two of the move's 4 MiB chunks, and not a multiple of one.
        var random = new Random(7);
        byte[] big = new byte[3 * 786_433 * 4];
        random.NextBytes(big);
        byte[] small = new byte[4 * 3];
        random.NextBytes(small);
        var w1 = g.AddInitializer("w1", DataType.Float, [3, 786_433], s => s.Write(big));
        var w2 = g.AddInitializer("w2", DataType.Float, [3, 1], s => s.Write(small));
        g.AddOutput(g.MatMul(x, w1), "y1");
        g.AddOutput(g.MatMul(x, w2), "y2");
        string modelPath = path + ".onnx";

        OnnxModelWriter.WriteInline(g.ToModel("test"), data, modelPath);

        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        CollectionAssert.AreEqual(big, model.Graph.Initializer.Single(i => i.Name == "w1").RawData.ToByteArray());
        CollectionAssert.AreEqual(small, model.Graph.Initializer.Single(i => i.Name == "w2").RawData.ToByteArray());
        Assert.AreEqual(0, new FileInfo(path).Length, "the weights should have moved out of the data file, not been copied");
    }

    private static string NameOf(OnnxValue value, GraphBuilder g) => g.Graph.Node.Single(n => n.Output.Contains(value.Name)).Name;

    private static ExternalDataWriter NewDataFile(out string path)
    {
        string folder = ExportedFixtures.TempFolder("graph-builder");
        Directory.CreateDirectory(folder);
        path = Path.Combine(folder, "weights.data");
        return new ExternalDataWriter(path);
    }
}
