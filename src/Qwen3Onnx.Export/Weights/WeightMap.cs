using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Onnx;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Weights;

/// <summary>
/// Weight surgery at load time: turns HF checkpoint tensors into the initializers the graph references
/// (MatMul weights transposed to [in, out], experts stacked to [E, in, out], dtype converted, norms kept in
/// float32), streaming each one to the external-data file as it is added.
/// </summary>
internal sealed class WeightMap(GraphBuilder graph, IWeightSource source, DataType weightType)
{
    private readonly TensorStreamer _streamer = new(source, weightType);
    private readonly TensorStreamer _float32Streamer = new(source, DataType.Float);

    /// <summary>Element type of matrices and activations: float or float16.</summary>
    public DataType WeightType => weightType;

    /// <summary>An HF linear weight [out, in] as a MatMul right-hand side [in, out].</summary>
    public OnnxValue Linear(string hfName) =>
        graph.AddInitializer($"{hfName}.T", weightType, Transposed(hfName), s => _streamer.WriteTransposed(hfName, s));

    /// <summary>A linear weight kept in float32 (the MoE router: low precision there flips expert choices).</summary>
    public OnnxValue LinearFloat32(string hfName) =>
        graph.AddInitializer($"{hfName}.T", DataType.Float, Transposed(hfName), s => _float32Streamer.WriteTransposed(hfName, s));

    /// <summary>Norm weights stay float32: the normalisation is computed in float32.</summary>
    public OnnxValue Norm(string hfName) =>
        graph.AddInitializer(hfName, DataType.Float, source.GetInfo(hfName).Shape.ToArray(), s => _float32Streamer.WriteAsIs(hfName, s));

    /// <summary>The embedding table [vocab, hidden] for Gather.</summary>
    public OnnxValue Embedding() =>
        graph.AddInitializer(Qwen3WeightNames.Embedding, weightType, source.GetInfo(Qwen3WeightNames.Embedding).Shape.ToArray(),
            s => _streamer.WriteAsIs(Qwen3WeightNames.Embedding, s));

    /// <summary>Linear weights of every expert, each transposed, stacked expert by expert into [E, in, out].</summary>
    public OnnxValue StackedLinear(string stackedName, IReadOnlyList<string> hfNames)
    {
        long[] each = Transposed(hfNames[0]);
        return graph.AddInitializer(stackedName, weightType, [hfNames.Count, .. each], s =>
        {
            foreach (string name in hfNames)
            {
                _streamer.WriteTransposed(name, s);
            }
        });
    }

    /// <summary>The rotary tables cos and sin, [positions, head_dim / 2] float32, YaRN scaling included.</summary>
    public (OnnxValue Cos, OnnxValue Sin) RotaryTables(Qwen3Config config, int positions)
    {
        var rope = RopeFrequencies.For(config);
        long[] dims = [positions, config.HeadDim / 2];
        return (
            graph.AddInitializer("rotary.cos_cache", DataType.Float, dims, s => WriteRotary(rope, positions, s, cos: true)),
            graph.AddInitializer("rotary.sin_cache", DataType.Float, dims, s => WriteRotary(rope, positions, s, cos: false)));
    }

    private long[] Transposed(string hfName)
    {
        var shape = source.GetInfo(hfName).Shape;
        return [shape[1], shape[0]];
    }

    private void WriteRotary(RopeFrequencies rope, int positions, Stream destination, bool cos)
    {
        int half = rope.InverseFrequencies.Count;
        var cosRow = new float[half];
        var sinRow = new float[half];
        for (int position = 0; position < positions; position++)
        {
            rope.CosSin(position, cosRow, sinRow);
            _float32Streamer.Write(cos ? cosRow : sinRow, destination);
        }
    }
}
