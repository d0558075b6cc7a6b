using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Qwen3Onnx.Onnx.Proto;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Onnx;

/// <summary>
/// Builds one ONNX graph. Emit helpers create a node together with the value-info of its outputs and return
/// typed handles; nodes are named after the scope they are emitted in (<c>/model/layers.0/attn/q_proj/MatMul</c>);
/// small constants are deduplicated; weights stream into an <see cref="ExternalDataWriter"/> as they are added.
/// </summary>
public sealed partial class GraphBuilder
{
    public const long OnnxIrVersion = 10;
    public const long OnnxOpset = 21;

    private readonly GraphProto _graph;
    private readonly Stack<GraphProto> _subgraphs = new();
    private readonly ExternalDataWriter _weights;
    private readonly List<string> _scopes = [];
    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxValue> _constants = new(StringComparer.Ordinal);
    private readonly HashSet<string> _domains = new(StringComparer.Ordinal) { "" };

    public GraphBuilder(string graphName, ExternalDataWriter weights)
    {
        _graph = new GraphProto { Name = graphName };
        _weights = weights;
        _scopes.Add(graphName);
    }

    public GraphProto Graph => _graph;

    /// <summary>The graph nodes are emitted into: the main graph, or the innermost open subgraph (a Loop body).</summary>
    private GraphProto Current => _subgraphs.Count > 0 ? _subgraphs.Peek() : _graph;

    /// <summary>Total bytes of weight initializers streamed so far.</summary>
    public long WeightBytes => _weights.TensorBytes;

    public string CurrentScope => "/" + string.Join("/", _scopes);

    /// <summary>Nests node names under <paramref name="name"/> until the returned handle is disposed.</summary>
    public IDisposable Scope(string name)
    {
        _scopes.Add(name);
        return new ScopeExit(_scopes);
    }

    public OnnxValue AddInput(string name, DataType type, params Dim[] shape)
    {
        var value = new OnnxValue(Reserve(name), type, shape);
        Current.Input.Add(ValueInfo(value));
        return value;
    }

    /// <summary>Declares <paramref name="value"/> a graph output called <paramref name="name"/> (via Identity if renamed).</summary>
    public OnnxValue AddOutput(OnnxValue value, string name)
    {
        if (value.Name != name)
        {
            Reserve(name);
            var node = new NodeProto { Name = Reserve($"{CurrentScope}/{name}/Identity"), OpType = "Identity" };
            node.Input.Add(value.Name);
            node.Output.Add(name);
            Current.Node.Add(node);
            value = value with { Name = name };
        }

        Current.Output.Add(ValueInfo(value));
        return value;
    }

    public IReadOnlyList<OnnxValue> AddNode(NodeSpec spec)
    {
        string nodeName = Reserve($"{CurrentScope}/{spec.OpType}");
        var node = new NodeProto { Name = nodeName, OpType = spec.OpType, Domain = spec.Domain };
        _domains.Add(spec.Domain);
        node.Input.AddRange(spec.Inputs.Select(i => i?.Name ?? ""));
        node.Attribute.AddRange(spec.Attributes);
        var outputs = new List<OnnxValue>(spec.Outputs.Count);
        for (int i = 0; i < spec.Outputs.Count; i++)
        {
            var output = new OnnxValue(Reserve($"{nodeName}/output_{i}"), spec.Outputs[i].ElementType, spec.Outputs[i].Shape);
            node.Output.Add(output.Name);
            Current.ValueInfo.Add(ValueInfo(output));
            outputs.Add(output);
        }

        Current.Node.Add(node);
        return outputs;
    }

    /// <summary>
    /// Until disposed, inputs, outputs and nodes go into <paramref name="body"/> (e.g. a Loop body); initializers and
    /// constants stay in the main graph, where subgraphs see them as outer-scope values.
    /// </summary>
    public IDisposable Subgraph(GraphProto body)
    {
        _subgraphs.Push(body);
        return new SubgraphExit(_subgraphs);
    }

    public OnnxValue AddNode(string opType, IReadOnlyList<OnnxValue?> inputs, TensorType output, params AttributeProto[] attributes) =>
        AddNode(new NodeSpec(opType, inputs, [output]) { Attributes = attributes })[0];

    /// <summary>Adds a weight whose bytes <paramref name="writeBytes"/> streams straight to the external-data file.</summary>
    public OnnxValue AddInitializer(string name, DataType type, IReadOnlyList<long> dims, Action<Stream> writeBytes)
    {
        var tensor = _weights.Write(Reserve(name), type, dims, writeBytes);
        _graph.Initializer.Add(tensor);
        return new OnnxValue(tensor.Name, type, dims.Select(d => (Dim)d).ToArray());
    }

    /// <summary>A deduplicated int64 constant; 1-D unless <paramref name="scalar"/>.</summary>
    public OnnxValue Constant(long[] values, bool scalar = false) =>
        SmallConstant(DataType.Int64, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), scalar ? [] : [values.Length],
            string.Join("_", values.Select(v => v.ToString(CultureInfo.InvariantCulture))));

    public OnnxValue Constant(params long[] values) => Constant(values, scalar: false);

    /// <summary>A deduplicated 0-d floating constant in <paramref name="type"/> (float, float16).</summary>
    public OnnxValue Scalar(float value, DataType type = DataType.Float)
    {
        byte[] bytes = type switch
        {
            DataType.Float => BitConverter.GetBytes(value),
            DataType.Float16 => BitConverter.GetBytes((Half)value),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "scalar constants are float or float16"),
        };
        return SmallConstant(type, bytes, [], value.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>A deduplicated constant with no elements, e.g. [0, hidden] to start a concatenation.</summary>
    public OnnxValue Empty(DataType type, params long[] dims) =>
        dims.Contains(0) ? SmallConstant(type, [], dims, "empty") : throw new ArgumentException("an empty tensor needs a zero dimension", nameof(dims));

    /// <summary>Wraps the graph in a model with this project's opset imports.</summary>
    public ModelProto ToModel(string producerVersion)
    {
        var model = new ModelProto
        {
            IrVersion = OnnxIrVersion,
            ProducerName = "qwen3-onnx",
            ProducerVersion = producerVersion,
            Graph = _graph,
        };
        foreach (string domain in _domains.Order(StringComparer.Ordinal))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = domain == "" ? OnnxOpset : 1 });
        }

        return model;
    }

    private OnnxValue SmallConstant(DataType type, byte[] bytes, long[] dims, string text)
    {
        string key = $"{type}[{string.Join(",", dims)}]{text}";
        if (_constants.TryGetValue(key, out var existing))
        {
            return existing;
        }

        string label = text.Length <= 40 ? text.Replace('-', 'm') : _constants.Count.ToString(CultureInfo.InvariantCulture);
        string name = Reserve($"/{_scopes[0]}/constants/{type}_{(dims.Length == 0 ? "scalar" : "1d")}_{label}");
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        var value = new OnnxValue(name, type, dims.Select(d => (Dim)d).ToArray());
        _constants[key] = value;
        return value;
    }

    private string Reserve(string name)
    {
        string candidate = name;
        for (int i = 1; !_usedNames.Add(candidate); i++)
        {
            candidate = $"{name}_{i}";
        }

        return candidate;
    }

    private static ValueInfoProto ValueInfo(OnnxValue value)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in value.Shape)
        {
            var d = new TensorShapeProto.Types.Dimension();
            if (dim.Size is { } size)
            {
                d.DimValue = size;
            }
            else if (dim.Symbol is { } symbol)
            {
                d.DimParam = symbol;
            }

            shape.Dim.Add(d);
        }

        return new ValueInfoProto
        {
            Name = value.Name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)value.ElementType, Shape = shape } },
        };
    }

    private sealed class SubgraphExit(Stack<GraphProto> subgraphs) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                subgraphs.Pop();
                _disposed = true;
            }
        }
    }

    private sealed class ScopeExit(List<string> scopes) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                scopes.RemoveAt(scopes.Count - 1);
                _disposed = true;
            }
        }
    }
}
