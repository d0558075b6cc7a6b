using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Qwen3Onnx.Runtime.Session;

/// <summary>
/// One past/present buffer per layer, [batch, kv_heads, capacity, head_dim], bound as both GroupQueryAttention's past
/// and present (ONNX Runtime then appends in place), plus fixed decode-step inputs and logits: the addresses and
/// shapes never change between steps, so nothing is allocated per step and a CUDA graph captured on one step can be
/// replayed on the next. Decode inputs are staged in host arrays and copied up in one call.
/// </summary>
internal sealed class FixedKvBuffers : IDisposable
{
    private readonly OrtValue[] _kv;
    private readonly long[] _hostIds;
    private readonly long[] _hostPositions;
    private readonly long[] _hostMask;
    private readonly OrtValue[] _hostInputs;
    private readonly OrtValue[] _deviceInputs;
    private readonly OrtValue _hostLogits;
    private readonly OrtValue _deviceLogits;
    private readonly OrtValue[] _logitsOnDevice;
    private readonly OrtValue[] _logitsOnHost;
    private readonly ForwardOutput _decodeOutput;
    private readonly bool _onDevice;
    private int _stagedWidth;

    /// <param name="pinnedHost">
    /// Page-locked host memory for the logits that come down each step, where the provider has it: a copy from device
    /// to ordinary memory goes through a staging buffer at a fraction of the speed (at batch 8 that is 4.9 MB a step).
    /// </param>
    public FixedKvBuffers(FixedBufferShape shape, OrtAllocator allocator, bool onDevice, OrtAllocator? pinnedHost = null)
    {
        Shape = shape;
        _onDevice = onDevice;
        long[] kvShape = [shape.BatchSize, shape.KvHeads, shape.Capacity, shape.HeadDim];
        _kv = new OrtValue[shape.Layers * 2];
        for (int i = 0; i < _kv.Length; i++)
        {
            _kv[i] = OrtValue.CreateAllocatedTensorValue(allocator, shape.KvElementType, kvShape);
        }

        _hostIds = new long[shape.BatchSize];
        _hostPositions = new long[shape.BatchSize];
        _hostMask = new long[shape.BatchSize * shape.Capacity];
        long[] tokenShape = [shape.BatchSize, 1];
        _hostInputs =
        [
            OrtValue.CreateTensorValueFromMemory(_hostIds, tokenShape),
            OrtValue.CreateTensorValueFromMemory(_hostMask, [shape.BatchSize, shape.Capacity]),
            OrtValue.CreateTensorValueFromMemory(_hostPositions, tokenShape),
        ];
        _deviceInputs = onDevice
            ? _hostInputs.Select(host => OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Int64, host.GetTensorTypeAndShape().Shape)).ToArray()
            : _hostInputs;
        long[] logitsShape = [shape.BatchSize, 1, shape.VocabSize];
        _hostLogits = pinnedHost is not null
            ? OrtValue.CreateAllocatedTensorValue(pinnedHost, TensorElementType.Float, logitsShape)
            : OrtValue.CreateTensorValueFromMemory(new float[shape.BatchSize * shape.VocabSize], logitsShape);
        _deviceLogits = onDevice ? OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Float, logitsShape) : _hostLogits;
        _logitsOnDevice = [_deviceLogits];
        _logitsOnHost = [_hostLogits];
        _decodeOutput = new ForwardOutput(_hostLogits, ownsLogits: false);
    }

    public FixedBufferShape Shape { get; }

    /// <summary>past_key_values.N.key/value and present.N.key/value, in graph order (layer 0 key, layer 0 value, …).</summary>
    public IReadOnlyList<OrtValue> KeyValues => _kv;

    /// <summary>input_ids, attention_mask (padded with zeros to the capacity), position_ids of a decode step, where the graph reads them.</summary>
    public IReadOnlyList<OrtValue> DecodeInputs => _deviceInputs;

    public OrtValue DecodeLogits => _deviceLogits;

    /// <summary>Writes a one-token step into the fixed inputs; the mask keeps zeros past its real width.</summary>
    public void StageDecode(ForwardBatch batch)
    {
        int width = batch.TotalLength;
        int capacity = Shape.Capacity;
        for (int row = 0; row < Shape.BatchSize; row++)
        {
            _hostIds[row] = batch.InputIds[row];
            _hostPositions[row] = batch.PositionIds[row];
            var target = _hostMask.AsSpan(row * capacity, capacity);
            batch.AttentionMask.AsSpan(row * width, width).CopyTo(target);
            if (_stagedWidth > width)
            {
                target[width.._stagedWidth].Clear();
            }
        }

        _stagedWidth = width;
        if (_onDevice)
        {
            OrtEnv.Instance().CopyTensors(_hostInputs, _deviceInputs, null);
        }
    }

    /// <summary>
    /// The decode step's logits [batch, 1, vocab] in host memory (copied down when they were computed on the device),
    /// through one output object that every step reuses.
    /// </summary>
    public ForwardOutput FetchLogits()
    {
        if (_onDevice)
        {
            OrtEnv.Instance().CopyTensors(_logitsOnDevice, _logitsOnHost, null);
        }

        return _decodeOutput;
    }

    public void Dispose()
    {
        foreach (var value in _kv)
        {
            value.Dispose();
        }

        foreach (var value in _hostInputs)
        {
            value.Dispose();
        }

        if (_onDevice)
        {
            foreach (var value in _deviceInputs)
            {
                value.Dispose();
            }

            _deviceLogits.Dispose();
        }

        _hostLogits.Dispose();
    }
}
