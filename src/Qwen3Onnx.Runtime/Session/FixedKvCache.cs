using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Config;

namespace Qwen3Onnx.Runtime.Session;

/// <summary>
/// Caches in the session's fixed past/present buffers, which GroupQueryAttention appends to in place: a prompt
/// prefills them through a one-off binding, each decode step runs the <see cref="FixedDecoder"/>'s persistent one
/// (a CUDA graph replays it). A cache it declines — no capacity given, or more host memory than
/// <see cref="SessionSettings.HostFixedCacheLimitBytes"/> — grows instead, through <paramref name="growing"/>.
/// One buffer set at a time, so one running batch per session.
/// </summary>
internal sealed class FixedKvCache(
    GraphRunner runner,
    GrowingKvCache growing,
    Qwen3Config config,
    TensorElementType elementType,
    int maxSequenceLength,
    OrtMemoryInfo? deviceMemory,
    OrtMemoryInfo? pinnedHostMemory,
    bool cudaGraph,
    long hostLimitBytes) : IKvCacheStrategy
{
    private FixedDecoder? _decoder;

    private bool OnDevice => deviceMemory is not null;

    public KvCache Create(int batchSize, int capacity)
    {
        var shape = capacity > 0 ? ShapeFor(batchSize, capacity) : null;
        if (shape is null || (!OnDevice && shape.KvBytes > hostLimitBytes))
        {
            return growing.Create(batchSize, capacity);
        }

        if (capacity > maxSequenceLength)
        {
            throw new Qwen3OnnxException($"a cache of {capacity} positions exceeds the model's context of {maxSequenceLength}");
        }

        return BuffersFor(shape);
    }

    /// <summary>The rows moved into buffers for up to <paramref name="capacity"/> positions (replacing any earlier set), when those would be on the host and within the limit.</summary>
    public KvCache Refit(KvCache filled, int capacity)
    {
        var shape = ShapeFor(filled.BatchSize, Math.Min(capacity, maxSequenceLength));
        if (OnDevice || shape.KvBytes > hostLimitBytes)
        {
            return filled;
        }

        var cache = BuffersFor(shape);
        KvCacheRows.CopyInto(filled, cache);
        cache.Advance(filled.Length);
        filled.Dispose();
        return cache;
    }

    public ForwardOutput Forward(ForwardBatch batch, KvCache cache, CancellationToken cancellation)
    {
        if (cache.Fixed is not { } buffers)
        {
            return growing.Forward(batch, cache, cancellation);
        }

        return batch.SequenceLength == 1 && cache.Length > 0
            ? Decode(batch, cache, buffers, cancellation)
            : Prefill(batch, cache, cancellation);
    }

    public void Abort()
    {
        runner.RunOptions.Terminate = true;
        if (_decoder is { } decoder)
        {
            decoder.RunOptions.Terminate = true;
        }
    }

    public void Dispose() => _decoder?.Dispose();

    /// <summary>A prompt (or the first step) into the buffers: past and present are the same tensors, GQA writes at [0, total).</summary>
    private ForwardOutput Prefill(ForwardBatch batch, KvCache cache, CancellationToken cancellation)
    {
        using var inputs = new StepInputs(batch, cache);
        GraphRunner.Arm(runner.RunOptions, cancellation);
        var outputs = runner.RunBound(inputs, cache, static (binding, name, layerValue, target) => binding.BindOutput(name, target.Values[layerValue]));
        foreach (var present in outputs.Skip(1))
        {
            present.Dispose();
        }

        cache.Advance(batch.TotalLength);
        return new ForwardOutput(outputs[0]);
    }

    /// <summary>One token per row into the buffers, through the decoder's persistent binding.</summary>
    private ForwardOutput Decode(ForwardBatch batch, KvCache cache, FixedKvBuffers buffers, CancellationToken cancellation)
    {
        var decoder = _decoder!;
        buffers.StageDecode(batch);
        GraphRunner.Arm(decoder.RunOptions, cancellation);
        runner.Session.RunWithBinding(decoder.RunOptions, decoder.Binding);
        cache.Advance(batch.TotalLength);
        return buffers.FetchLogits();
    }

    /// <summary>Capacity rounded up so that similar requests share one buffer set (and one captured graph).</summary>
    private FixedBufferShape ShapeFor(int batchSize, int capacity)
    {
        int rounded = Math.Min(maxSequenceLength, ((capacity + 127) / 128) * 128);
        return new FixedBufferShape(config.NumHiddenLayers, batchSize, config.NumKeyValueHeads, rounded, config.HeadDim, config.VocabSize, elementType);
    }

    /// <summary>An empty cache over the decoder's buffers for this shape: the current set if it fits, else a new one (and a new CUDA graph id).</summary>
    private KvCache BuffersFor(FixedBufferShape shape)
    {
        if (_decoder is not { } current || current.Buffers.Shape.BatchSize != shape.BatchSize || current.Buffers.Shape.Capacity < shape.Capacity)
        {
            int graphId = (_decoder?.GraphId ?? 0) + 1;
            _decoder?.Dispose();
            _decoder = null;
            _decoder = new FixedDecoder(runner.Session, shape, deviceMemory, pinnedHostMemory, runner.InputNames, runner.OutputNames, cudaGraph ? graphId : null);
        }

        var buffers = _decoder.Buffers;
        return new KvCache([.. buffers.KeyValues], shape.BatchSize, buffers);
    }
}
