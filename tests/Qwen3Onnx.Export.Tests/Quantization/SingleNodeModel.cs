using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Qwen3Onnx.Onnx.Proto;

namespace Qwen3Onnx.Export.Tests.Quantization;

/// <summary>A one-node ONNX model (ai.onnx 21 + com.microsoft 1) built from the proto types and run on ORT's CPU provider.</summary>
internal sealed class SingleNodeModel
{
    private readonly GraphProto _graph = new() { Name = "single_node" };
    private readonly NodeProto _node;
    private readonly Dictionary<string, OrtValue> _feeds = [];

    public SingleNodeModel(string opType, string domain = "com.microsoft")
    {
        _node = new NodeProto { Name = opType, OpType = opType, Domain = domain };
        _node.Output.Add("Y");
        _graph.Node.Add(_node);
        _graph.Output.Add(new ValueInfoProto { Name = "Y", Type = TensorType((int)TensorProto.Types.DataType.Float) });
    }

    public SingleNodeModel Input(string name, float[] data, long[] shape) =>
        Feed(name, TensorProto.Types.DataType.Float, OrtValue.CreateTensorValueFromMemory(data, shape));

    public SingleNodeModel Input(string name, int[] data, long[] shape) =>
        Feed(name, TensorProto.Types.DataType.Int32, OrtValue.CreateTensorValueFromMemory(data, shape));

    public SingleNodeModel Input(string name, long[] data, long[] shape) =>
        Feed(name, TensorProto.Types.DataType.Int64, OrtValue.CreateTensorValueFromMemory(data, shape));

    public SingleNodeModel Initializer(string name, byte[] data, long[] shape) =>
        Constant(name, TensorProto.Types.DataType.Uint8, data, shape);

    public SingleNodeModel Initializer(string name, float[] data, long[] shape) =>
        Constant(name, TensorProto.Types.DataType.Float, MemoryMarshalBytes(data), shape);

    /// <summary>An optional input left out: ONNX marks it with an empty name.</summary>
    public SingleNodeModel Absent()
    {
        _node.Input.Add(string.Empty);
        return this;
    }

    public SingleNodeModel Attribute(string name, long value) =>
        AddAttribute(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });

    public SingleNodeModel Attribute(string name, float value) =>
        AddAttribute(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });

    public SingleNodeModel Attribute(string name, string value) =>
        AddAttribute(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });

    /// <summary>Adds an output after Y; an empty name skips an optional output.</summary>
    public SingleNodeModel Output(string name)
    {
        _node.Output.Add(name);
        if (name.Length > 0)
        {
            _graph.Output.Add(new ValueInfoProto { Name = name, Type = TensorType((int)TensorProto.Types.DataType.Float) });
        }

        return this;
    }

    public float[] Run() => RunAll()["Y"];

    public Dictionary<string, float[]> RunAll()
    {
        var model = new ModelProto { IrVersion = 10, ProducerName = "Qwen3Onnx.Export.Tests", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 21 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        var outputNames = _graph.Output.Select(o => o.Name).ToArray();
        using var session = new InferenceSession(model.ToByteArray());
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, _feeds.Keys.ToArray(), _feeds.Values.ToArray(), outputNames);
        var results = outputNames.Zip(outputs).ToDictionary(p => p.First, p => p.Second.GetTensorDataAsSpan<float>().ToArray());
        foreach (var value in _feeds.Values)
        {
            value.Dispose();
        }

        return results;
    }

    private SingleNodeModel Feed(string name, TensorProto.Types.DataType type, OrtValue value)
    {
        _node.Input.Add(name);
        _graph.Input.Add(new ValueInfoProto { Name = name, Type = TensorType((int)type) });
        _feeds[name] = value;
        return this;
    }

    private SingleNodeModel Constant(string name, TensorProto.Types.DataType type, byte[] raw, long[] shape)
    {
        _node.Input.Add(name);
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.Add(shape);
        _graph.Initializer.Add(tensor);
        return this;
    }

    private SingleNodeModel AddAttribute(AttributeProto attribute)
    {
        _node.Attribute.Add(attribute);
        return this;
    }

    private static TypeProto TensorType(int elementType) =>
        new() { TensorType = new TypeProto.Types.Tensor { ElemType = elementType } };

    private static byte[] MemoryMarshalBytes(float[] data) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()).ToArray();
}
