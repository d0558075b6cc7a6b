using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Models;
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
    private readonly Dictionary<DataType, TensorStreamer> _otherStreamers = [];
    private QuantizingStreamer? _quantizing;

    /// <summary>Element type of matrices and activations: float, float16 or bfloat16.</summary>
    public DataType WeightType => weightType;

    /// <summary>An HF linear weight [out, in] as a MatMul right-hand side [in, out].</summary>
    public OnnxValue Linear(string hfName) => Linear(PackedLinear.Single(hfName));

    /// <summary>Packed HF linear weights [Σ out_i, in] as one MatMul right-hand side [in, Σ out_i].</summary>
    public OnnxValue Linear(PackedLinear packed)
    {
        var (rows, columns) = PackedShape(packed);
        return graph.AddInitializer($"{packed.Name}.T", weightType, [columns, rows], s => _streamer.WriteTransposed(packed.Parts, s));
    }

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


    /// <summary>Norm weights in <paramref name="type"/> (fused norms take γ in the activation dtype).</summary>
    public OnnxValue Norm(string hfName, DataType type) =>
        type == DataType.Float
            ? Norm(hfName)
            : graph.AddInitializer($"{hfName}.{type}", type, source.GetInfo(hfName).Shape.ToArray(), s => _streamer.WriteAsIs(hfName, s));

    /// <summary>An HF linear weight [out, in] block-quantized for MatMulNBits: codes [out, k_blocks, blob], scales [out, k_blocks].</summary>
    public QuantizedWeight BlockQuantized(string hfName, BlockQuantizationFormat format) => BlockQuantized(PackedLinear.Single(hfName), format);

    /// <summary>Packed HF linear weights [Σ out_i, in] block-quantized for MatMulNBits, row by row as each part streams.</summary>
    public QuantizedWeight BlockQuantized(PackedLinear packed, BlockQuantizationFormat format)
    {
        var (rows, columns) = PackedShape(packed);
        long blocks = format.BlocksPerRow((int)columns);
        var scales = new float[checked(rows * blocks)];
        var codes = graph.AddInitializer(
            $"{packed.Name}.int{format.Bits}", DataType.Uint8, [rows, blocks, format.BlobSize], s => Quantizing(format).WriteRows(packed.Parts, s, scales, RowLayout.BlockPadded));
        return new QuantizedWeight(codes, Scales($"{packed.Name}.scales", [rows, blocks], scales), rows, columns);
    }

    /// <summary>The embedding block-quantized for GatherBlockQuantized: codes [vocab, hidden·bits/8], scales [vocab, ceil(hidden / block)].</summary>
    public QuantizedWeight QuantizedEmbedding(BlockQuantizationFormat format)
    {
        const string name = Qwen3WeightNames.Embedding;
        var shape = source.GetInfo(name).Shape;
        long rows = shape[0], columns = shape[1];
        long bytes = ContiguousRowBytes(name, columns, format), blocks = format.BlocksPerRow((int)columns);
        var scales = new float[checked(rows * blocks)];
        var packed = graph.AddInitializer(
            $"{name}.gather_int{format.Bits}", DataType.Uint8, [rows, bytes], s => Quantizing(format).WriteRows(name, s, scales, RowLayout.Contiguous));
        return new QuantizedWeight(packed, Scales($"{name}.gather_scales", [rows, blocks], scales), rows, columns);
    }

    /// <summary>MoE fc1: every expert's gate and up interleaved row by row, stacked to [E, 2·inter, hidden], in <paramref name="type"/>.</summary>
    public OnnxValue InterleavedGateUp(ExpertWeightNames experts, DataType type)
    {
        var shape = source.GetInfo(experts.Gate[0]).Shape;
        var streamer = StreamerFor(type);
        return graph.AddInitializer(experts.Fc1StackName, type, [experts.Gate.Count, 2 * shape[0], shape[1]], s =>
        {
            for (int e = 0; e < experts.Gate.Count; e++)
            {
                streamer.WriteInterleaved(experts.Gate[e], experts.Up[e], s);
            }
        });
    }

    /// <summary>Weights of every expert in HF layout [out, in], stacked to [E, out, in], in <paramref name="type"/>.</summary>
    public OnnxValue StackedAsIs(string stackedName, IReadOnlyList<string> hfNames, DataType type)
    {
        var shape = source.GetInfo(hfNames[0]).Shape;
        var streamer = StreamerFor(type);
        return graph.AddInitializer(stackedName, type, [hfNames.Count, shape[0], shape[1]], s =>
        {
            foreach (string name in hfNames)
            {
                streamer.WriteAsIs(name, s);
            }
        });
    }

    /// <summary>QMoE fc1: gate/up interleaved per expert, quantized: codes [E, 2·inter, hidden·bits/8], scales [E, 2·inter, ceil(hidden / block)].</summary>
    public QuantizedWeight QuantizedInterleavedGateUp(ExpertWeightNames experts, BlockQuantizationFormat format)
    {
        var shape = source.GetInfo(experts.Gate[0]).Shape;
        long count = experts.Gate.Count, rows = 2 * shape[0], columns = shape[1];
        long bytes = ContiguousRowBytes(experts.Gate[0], columns, format), blocks = format.BlocksPerRow((int)columns);
        var scales = new float[checked(count * rows * blocks)];
        var packed = graph.AddInitializer(
            $"{experts.Fc1StackName}.int{format.Bits}",
            DataType.Uint8,
            [count, rows, bytes],
            s => Quantizing(format).WriteInterleavedGateUp(experts.Gate, experts.Up, s, scales));
        return new QuantizedWeight(packed, Scales($"{experts.Fc1StackName}.scales", [count, rows, blocks], scales), rows, columns);
    }

    /// <summary>QMoE fc2: each expert's [out, in] weight quantized, stacked: codes [E, out, in·bits/8], scales [E, out, ceil(in / block)].</summary>
    public QuantizedWeight QuantizedStack(string stackedName, IReadOnlyList<string> hfNames, BlockQuantizationFormat format)
    {
        var shape = source.GetInfo(hfNames[0]).Shape;
        long count = hfNames.Count, rows = shape[0], columns = shape[1];
        long bytes = ContiguousRowBytes(hfNames[0], columns, format), blocks = format.BlocksPerRow((int)columns);
        var scales = new float[checked(count * rows * blocks)];
        var packed = graph.AddInitializer(
            $"{stackedName}.int{format.Bits}", DataType.Uint8, [count, rows, bytes], s => Quantizing(format).WriteRows(hfNames, s, scales, RowLayout.Contiguous));
        return new QuantizedWeight(packed, Scales($"{stackedName}.scales", [count, rows, blocks], scales), rows, columns);
    }

    /// <summary>cos/sin tables [positions, D/2] in float32, YaRN scaling included (gathered, then cast, by the portable rotary).</summary>
    public (OnnxValue Cos, OnnxValue Sin) RotaryTables(Qwen3Config config, int positions) => RotaryTables(config, positions, DataType.Float);

    /// <summary>cos/sin tables [positions, D/2] in <paramref name="type"/> (com.microsoft RotaryEmbedding reads them in the activation dtype).</summary>
    public (OnnxValue Cos, OnnxValue Sin) RotaryTables(Qwen3Config config, int positions, DataType type)
    {
        var rope = RopeFrequencies.For(config);
        long[] dims = [positions, config.HeadDim / 2];
        var streamer = StreamerFor(type);
        string suffix = type == DataType.Float ? "" : $".{type}";
        return (
            graph.AddInitializer($"rotary.cos_cache{suffix}", type, dims, s => WriteRotary(rope, positions, s, streamer, cos: true)),
            graph.AddInitializer($"rotary.sin_cache{suffix}", type, dims, s => WriteRotary(rope, positions, s, streamer, cos: false)));
    }


    /// <summary>GatherBlockQuantized and QMoE pack along the unpadded input axis (<see cref="RowLayout.Contiguous"/>): its codes must fill whole bytes.</summary>
    private static long ContiguousRowBytes(string name, long columns, BlockQuantizationFormat format)
    {
        if (!format.FillsWholeBytes(columns))
        {
            throw new Qwen3OnnxException($"{name}: {columns} input features do not pack into whole bytes at {format.Bits} bits; use int8");
        }

        return format.BytesPerRow((int)columns, RowLayout.Contiguous);
    }

    private QuantizingStreamer Quantizing(BlockQuantizationFormat format) =>
        _quantizing is { } q && q.Format == format ? q : _quantizing = new QuantizingStreamer(source, format);

    /// <summary>Block scales in the activation dtype, as MatMulNBits, GatherBlockQuantized and QMoE require.</summary>
    private OnnxValue Scales(string name, long[] dims, float[] scales) =>
        graph.AddInitializer(name, weightType, dims, s => _streamer.Write(scales, s));

    /// <summary>[Σ out_i, in] of the packed weight; every part must read the same input features.</summary>
    private (long Rows, long Columns) PackedShape(PackedLinear packed)
    {
        long columns = source.GetInfo(packed.Parts[0]).Shape[1];
        long rows = 0;
        foreach (string part in packed.Parts)
        {
            var shape = source.GetInfo(part).Shape;
            if (shape[1] != columns)
            {
                throw new Qwen3OnnxException($"{part}: {shape[1]} input features, but {packed.Parts[0]} packed with it has {columns}");
            }

            rows += shape[0];
        }

        return (rows, columns);
    }

    private long[] Transposed(string hfName)
    {
        var shape = source.GetInfo(hfName).Shape;
        return [shape[1], shape[0]];
    }

    private static void WriteRotary(RopeFrequencies rope, int positions, Stream destination, TensorStreamer streamer, bool cos)
    {
        int half = rope.InverseFrequencies.Count;
        var cosRow = new float[half];
        var sinRow = new float[half];
        for (int position = 0; position < positions; position++)
        {
            rope.CosSin(position, cosRow, sinRow);
            streamer.Write(cos ? cosRow : sinRow, destination);
        }
    }

    private TensorStreamer StreamerFor(DataType type)
    {
        if (type == weightType)
        {
            return _streamer;
        }

        if (type == DataType.Float)
        {
            return _float32Streamer;
        }

        if (!_otherStreamers.TryGetValue(type, out var streamer))
        {
            streamer = new TensorStreamer(source, type);
            _otherStreamers[type] = streamer;
        }

        return streamer;
    }
}
