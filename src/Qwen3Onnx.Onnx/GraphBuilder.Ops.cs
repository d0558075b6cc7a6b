using Qwen3Onnx.Onnx.Proto;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Onnx;

/// <summary>Typed emitters for the standard ONNX ops the graphs use; each infers its output's type and shape.</summary>
public sealed partial class GraphBuilder
{
    public OnnxValue MatMul(OnnxValue a, OnnxValue b) => AddNode("MatMul", [a, b], new(a.ElementType, Shapes.MatMul(a.Shape, b.Shape)));

    public OnnxValue Add(OnnxValue a, OnnxValue b) => Binary("Add", a, b);

    public OnnxValue Sub(OnnxValue a, OnnxValue b) => Binary("Sub", a, b);

    public OnnxValue Mul(OnnxValue a, OnnxValue b) => Binary("Mul", a, b);

    public OnnxValue Div(OnnxValue a, OnnxValue b) => Binary("Div", a, b);

    public OnnxValue Sigmoid(OnnxValue x) => Unary("Sigmoid", x);

    public OnnxValue Neg(OnnxValue x) => Unary("Neg", x);

    public OnnxValue Sqrt(OnnxValue x) => Unary("Sqrt", x);

    public OnnxValue Reciprocal(OnnxValue x) => Unary("Reciprocal", x);

    public OnnxValue Softmax(OnnxValue x, long axis = -1) => AddNode("Softmax", [x], new(x.ElementType, x.Shape), Attributes.Int("axis", axis));

    /// <summary>Casts to <paramref name="type"/>; a no-op (no node) when the type already matches.</summary>
    public OnnxValue Cast(OnnxValue x, DataType type) =>
        x.ElementType == type ? x : AddNode("Cast", [x], new(type, x.Shape), Attributes.Int("to", (long)type));

    /// <summary>Reshape to a constant target (0 copies the input dimension, -1 infers); the caller states the result's shape.</summary>
    public OnnxValue Reshape(OnnxValue x, long[] target, params Dim[] resultShape) => Reshape(x, Constant(target), resultShape);

    public OnnxValue Reshape(OnnxValue x, OnnxValue target, params Dim[] resultShape) =>
        AddNode("Reshape", [x, target], new(x.ElementType, resultShape));

    public OnnxValue Transpose(OnnxValue x, params long[] perm) =>
        AddNode("Transpose", [x], new(x.ElementType, perm.Select(p => x.Shape[(int)p]).ToArray()), Attributes.Ints("perm", perm));

    /// <summary>Concatenates along <paramref name="axis"/>; <paramref name="axisDim"/> names the joined dimension when it is symbolic.</summary>
    public OnnxValue Concat(long axis, Dim axisDim, params OnnxValue[] parts)
    {
        var shape = parts[0].Shape.ToArray();
        int a = (int)(axis < 0 ? shape.Length + axis : axis);
        shape[a] = parts.All(p => p.Shape[a].IsFixed) ? parts.Sum(p => p.Shape[a].Size!.Value) : axisDim;
        return AddNode("Concat", parts, new(parts[0].ElementType, shape), Attributes.Int("axis", axis));
    }

    /// <summary>Gather along <paramref name="axis"/>: the data's leading dimensions, indices' shape, then its trailing ones.</summary>
    public OnnxValue Gather(OnnxValue data, OnnxValue indices, int axis) =>
        AddNode("Gather", [data, indices], new(data.ElementType, [.. data.Shape.Take(axis), .. indices.Shape, .. data.Shape.Skip(axis + 1)]), Attributes.Int("axis", axis));

    /// <summary>Gather along axis 0: indices' shape followed by the data's trailing dimensions.</summary>
    public OnnxValue Gather(OnnxValue data, OnnxValue indices) => Gather(data, indices, axis: 0);

    public OnnxValue ReduceMean(OnnxValue x, params long[] axes) => Reduce("ReduceMean", x, axes, keepDims: true);

    public OnnxValue ReduceSum(OnnxValue x, long[] axes, bool keepDims) => Reduce("ReduceSum", x, axes, keepDims);

    public OnnxValue ReduceMax(OnnxValue x, long[] axes, bool keepDims) => Reduce("ReduceMax", x, axes, keepDims);

    public OnnxValue Unsqueeze(OnnxValue x, params long[] axes) =>
        AddNode("Unsqueeze", [x, Constant(axes)], new(x.ElementType, Shapes.Unsqueeze(x.Shape, axes)));

    /// <summary>The dimensions [start, end) of <paramref name="x"/>'s shape as an int64 vector.</summary>
    public OnnxValue Shape(OnnxValue x, long start, long end) =>
        AddNode("Shape", [x], new(DataType.Int64, [end - start]), Attributes.Int("start", start), Attributes.Int("end", end));

    /// <summary>Slices one axis; the caller states the sliced dimension.</summary>
    public OnnxValue Slice(OnnxValue x, long axis, long start, long end, Dim slicedDim)
    {
        var shape = x.Shape.ToArray();
        shape[axis < 0 ? shape.Length + axis : axis] = slicedDim;
        return AddNode("Slice", [x, Constant([start]), Constant([end]), Constant([axis])], new(x.ElementType, shape));
    }

    /// <summary>Slices rows [start, end) of axis 0 with runtime bounds (1-element int64 vectors); end is clamped.</summary>
    public OnnxValue SliceRows(OnnxValue x, OnnxValue start, OnnxValue end, Dim rows) =>
        AddNode("Slice", [x, start, end, Constant([0L])], new(x.ElementType, [rows, .. x.Shape.Skip(1)]));

    public OnnxValue Identity(OnnxValue x) => Unary("Identity", x);

    public OnnxValue Range(OnnxValue start, OnnxValue limit, OnnxValue delta, Dim length) =>
        AddNode("Range", [start, limit, delta], new(start.ElementType, [length]));

    public OnnxValue Equal(OnnxValue a, OnnxValue b) => Compare("Equal", a, b);

    public OnnxValue LessOrEqual(OnnxValue a, OnnxValue b) => Compare("LessOrEqual", a, b);

    public OnnxValue And(OnnxValue a, OnnxValue b) => Compare("And", a, b);

    public OnnxValue Where(OnnxValue condition, OnnxValue whenTrue, OnnxValue whenFalse) =>
        AddNode("Where", [condition, whenTrue, whenFalse], new(whenTrue.ElementType, Shapes.Broadcast(condition.Shape, Shapes.Broadcast(whenTrue.Shape, whenFalse.Shape))));

    /// <summary>Broadcasts to the runtime shape <paramref name="target"/>; the caller states the result's shape.</summary>
    public OnnxValue Expand(OnnxValue x, OnnxValue target, params Dim[] resultShape) =>
        AddNode("Expand", [x, target], new(x.ElementType, resultShape));

    public (OnnxValue Values, OnnxValue Indices) TopK(OnnxValue x, long k, long axis = -1)
    {
        var shape = x.Shape.ToArray();
        shape[axis < 0 ? shape.Length + axis : axis] = k;
        var outputs = AddNode(new NodeSpec("TopK", [x, Constant([k])], [new(x.ElementType, shape), new(DataType.Int64, shape)])
        {
            Attributes = [Attributes.Int("axis", axis), Attributes.Int("largest", 1), Attributes.Int("sorted", 1)],
        });
        return (outputs[0], outputs[1]);
    }

    /// <summary>A one-element vector as a 0-d scalar.</summary>
    public OnnxValue ToScalar(OnnxValue vector) => Reshape(vector, Constant([], scalar: false));

    /// <summary>
    /// A Loop of <paramref name="tripCount"/> iterations with one loop-carried value: <paramref name="body"/> maps
    /// (iteration number, carried) to the next carried value and is emitted into the Loop's body graph.
    /// </summary>
    public OnnxValue Loop(OnnxValue tripCount, OnnxValue initial, IReadOnlyList<Dim> resultShape, Func<OnnxValue, OnnxValue, OnnxValue> body)
    {
        var graph = new GraphProto { Name = Reserve($"{CurrentScope}/loop_body") };
        using (Subgraph(graph))
        {
            var iteration = AddInput($"{CurrentScope}/iteration", DataType.Int64);
            var condition = AddInput($"{CurrentScope}/condition", DataType.Bool);
            var carried = AddInput($"{CurrentScope}/carried", initial.ElementType, [.. resultShape]);
            var keepGoing = Identity(condition);
            var next = body(iteration, carried);
            AddOutput(keepGoing, keepGoing.Name);
            AddOutput(next, next.Name);
        }

        return AddNode(new NodeSpec("Loop", [tripCount, null, initial], [new(initial.ElementType, resultShape)])
        {
            Attributes = [Attributes.Graph("body", graph)],
        })[0];
    }

    private OnnxValue Binary(string op, OnnxValue a, OnnxValue b) => AddNode(op, [a, b], new(a.ElementType, Shapes.Broadcast(a.Shape, b.Shape)));

    private OnnxValue Compare(string op, OnnxValue a, OnnxValue b) => AddNode(op, [a, b], new(DataType.Bool, Shapes.Broadcast(a.Shape, b.Shape)));

    private OnnxValue Unary(string op, OnnxValue x) => AddNode(op, [x], new(x.ElementType, x.Shape));

    private OnnxValue Reduce(string op, OnnxValue x, long[] axes, bool keepDims) =>
        AddNode(op, [x, Constant(axes)], new(x.ElementType, Shapes.Reduce(x.Shape, axes, keepDims)), Attributes.Int("keepdims", keepDims ? 1 : 0));
}
