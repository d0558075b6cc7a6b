using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Package;

namespace Qwen3Onnx.Runtime.Session;

/// <summary>
/// An exported Qwen3 graph opened in ONNX Runtime: runs one forward step over a batch and keeps the
/// key/value cache in ONNX Runtime's own tensors between steps.
/// </summary>
public sealed class Qwen3Session : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly TensorElementType _kvElementType;
    private readonly RunOptions _runOptions = new();
    private readonly OrtMemoryInfo? _deviceMemory;
    private readonly OrtMemoryInfo? _pinnedHostMemory;
    private readonly bool _cudaGraph;
    private readonly bool _profiling;
    private readonly long _hostFixedCacheLimit;
    private FixedDecoder? _fixedDecoder;

    private Qwen3Session(string folder, ExportManifest manifest, InferenceSession session, OrtMemoryInfo? deviceMemory, OrtMemoryInfo? pinnedHostMemory, SessionSettings settings)
    {
        Folder = folder;
        _deviceMemory = deviceMemory;
        _pinnedHostMemory = pinnedHostMemory;
        Manifest = manifest;
        _session = session;
        bool onCuda = deviceMemory is not null && settings.ExecutionProvider == ExecutionProviderKind.Cuda;
        // On the CPU too: GroupQueryAttention appending in place skips copying the whole past into a new present each
        // step (0.6B int4 decode on 2 cores +11 %). DirectML's kernel has never been run with a shared buffer here.
        UsesFixedCache = (settings.FixedKvCache ?? settings.ExecutionProvider != ExecutionProviderKind.DirectML) && manifest.GraphKind == ExportGraph.Fused;
        if (settings.CudaGraph && !(UsesFixedCache && onCuda))
        {
            session.Dispose();
            throw new Qwen3OnnxException($"{folder}: CUDA graph capture needs the CUDA execution provider, a fused export and the fixed key/value cache");
        }

        _profiling = settings.ProfilePrefix is not null;
        _hostFixedCacheLimit = settings.HostFixedCacheLimitBytes;
        _cudaGraph = settings.CudaGraph;
        if (_cudaGraph)
        {
            // Prefill shapes change from call to call: run it eagerly, outside any captured graph.
            _runOptions.AddRunConfigEntry("gpu_graph_id", "-1");
        }

        int layers = manifest.Config.NumHiddenLayers;
        (_inputNames, _outputNames) = IoNames(manifest, folder);
        _kvElementType = manifest.KvDType switch
        {
            "float32" => TensorElementType.Float,
            "float16" => TensorElementType.Float16,
            "bfloat16" => TensorElementType.BFloat16,
            _ => throw new Qwen3OnnxException($"{folder}: manifest field 'kv_dtype' has unsupported value '{manifest.KvDType}'"),
        };
        var missing = _inputNames.Except(session.InputNames).Concat(_outputNames.Except(session.OutputNames)).FirstOrDefault();
        if (missing is not null)
        {
            throw new Qwen3OnnxException($"{Path.Combine(folder, manifest.ModelFile)}: graph has no '{missing}' input/output; re-export the model");
        }
    }

    public string Folder { get; }

    public ExportManifest Manifest { get; }

    public int VocabSize => Manifest.Config.VocabSize;

    /// <summary>
    /// Whether caches live in fixed past/present buffers sized by <see cref="CreateCache"/>'s capacity (fused graphs on
    /// the CPU and CUDA by default; <see cref="SessionSettings.FixedKvCache"/> overrides).
    /// </summary>
    public bool UsesFixedCache { get; }

    /// <summary>True when the key/value cache lives in accelerator memory (it then cannot be merged or sliced on the host).</summary>
    public bool KeepsCacheOnDevice => _deviceMemory is not null;

    /// <summary>Largest past + new length the graph supports.</summary>
    public int MaxSequenceLength => Manifest.MaxSequenceLength > 0 ? Manifest.MaxSequenceLength : Manifest.Config.MaxPositionEmbeddings;

    public static Qwen3Session Open(string folder, SessionSettings? settings = null)
    {
        settings ??= new SessionSettings();
        var manifest = ExportManifest.ReadFolder(folder);
        RequireCudaQMoeTiles(folder, manifest, settings);
        string modelPath = Path.Combine(folder, manifest.ModelFile);
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = settings.IntraOpThreads,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (settings.ProfilePrefix is { } prefix)
        {
            // The prefix first: enabling profiling hands ONNX Runtime the prefix set at that moment.
            options.ProfileOutputPathPrefix = prefix;
            options.EnableProfiling = true;
        }

        var deviceMemory = ExecutionProviders.Apply(options, settings, out var pinnedHost);
        try
        {
            return new Qwen3Session(folder, manifest, new InferenceSession(modelPath, options), deviceMemory, pinnedHost, settings);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new Qwen3OnnxException($"{modelPath}: ONNX Runtime cannot load the model ({ex.Message.Split('\n', 2)[0].Trim()})", ex);
        }
    }

    /// <summary>
    /// An empty cache for <paramref name="batchSize"/> rows. With <see cref="UsesFixedCache"/>, it is the session's fixed
    /// buffer set for up to <paramref name="capacity"/> positions (reused while the next request fits; one generation
    /// at a time per session), unless that would reserve more host memory than
    /// <see cref="SessionSettings.HostFixedCacheLimitBytes"/>; otherwise it grows each step and
    /// <paramref name="capacity"/> is only a hint.
    /// </summary>
    public KvCache CreateCache(int batchSize, int capacity = 0)
    {
        var config = Manifest.Config;
        var shape = UsesFixedCache && capacity > 0 ? FixedShapeFor(batchSize, capacity) : null;
        if (shape is null || (!KeepsCacheOnDevice && shape.KvBytes > _hostFixedCacheLimit))
        {
            return KvCache.Empty(config.NumHiddenLayers, batchSize, config.NumKeyValueHeads, config.HeadDim, _kvElementType);
        }

        if (capacity > MaxSequenceLength)
        {
            throw new Qwen3OnnxException($"a cache of {capacity} positions exceeds the model's context of {MaxSequenceLength}");
        }

        var buffers = FixedDecoderFor(shape).Buffers;
        return new KvCache([.. buffers.KeyValues], batchSize, buffers);
    }

    /// <summary>
    /// The cache a running batch decodes on after its rows changed: <paramref name="filled"/> (a host cache of exactly
    /// its rows, as merging or dropping rows leaves it) moved into the fixed buffers for up to
    /// <paramref name="capacity"/> positions, where <see cref="CreateCache"/> would give fixed buffers; otherwise
    /// <paramref name="filled"/> itself, which then grows each step. The fixed buffers replace any earlier set of
    /// another shape, so no other cache of this session may be in use.
    /// </summary>
    internal KvCache Refit(KvCache filled, int capacity)
    {
        var shape = UsesFixedCache ? FixedShapeFor(filled.BatchSize, Math.Min(capacity, MaxSequenceLength)) : null;
        if (shape is null || KeepsCacheOnDevice || shape.KvBytes > _hostFixedCacheLimit)
        {
            return filled;
        }

        var buffers = FixedDecoderFor(shape).Buffers;
        var cache = new KvCache([.. buffers.KeyValues], filled.BatchSize, buffers);
        KvCacheRows.CopyInto(filled, cache);
        cache.Advance(filled.Length);
        filled.Dispose();
        return cache;
    }

    /// <summary>
    /// Runs one step; on return the cache holds past + new and the logits are in the result. A cancellation whose
    /// callback calls <see cref="Abort"/> stops the step (it then throws and the cache is unchanged).
    /// </summary>
    public ForwardOutput Forward(ForwardBatch batch, KvCache cache, CancellationToken cancellation = default)
    {
        if (batch.BatchSize != cache.BatchSize)
        {
            throw new ArgumentException($"batch of {batch.BatchSize} rows does not match a cache of {cache.BatchSize}", nameof(batch));
        }

        if (batch.TotalLength != cache.Length + batch.SequenceLength)
        {
            throw new ArgumentException($"attention mask covers {batch.TotalLength} positions; expected past {cache.Length} + new {batch.SequenceLength}", nameof(batch));
        }

        if (batch.TotalLength > MaxSequenceLength)
        {
            throw new Qwen3OnnxException($"sequence of {batch.TotalLength} tokens exceeds the model's context of {MaxSequenceLength}");
        }

        if (cache.Capacity is int capacity && batch.TotalLength > capacity)
        {
            throw new ArgumentException($"attention mask covers {batch.TotalLength} positions; the cache holds {capacity}", nameof(batch));
        }

        if (cache.Fixed is { } buffers && batch.SequenceLength == 1 && cache.Length > 0)
        {
            return DecodeInPlace(batch, cache, buffers, cancellation);
        }

        long[] tokenShape = [batch.BatchSize, batch.SequenceLength];
        using var inputIds = OrtValue.CreateTensorValueFromMemory(batch.InputIds, tokenShape);
        using var mask = OrtValue.CreateTensorValueFromMemory(batch.AttentionMask, [batch.BatchSize, batch.TotalLength]);
        using var positions = OrtValue.CreateTensorValueFromMemory(batch.PositionIds, tokenShape);
        var inputs = new OrtValue[_inputNames.Length];
        inputs[0] = inputIds;
        inputs[1] = mask;
        inputs[2] = positions;
        for (int i = 0; i < cache.Values.Count; i++)
        {
            inputs[3 + i] = cache.Values[i];
        }

        // Reset before checking the token: an Abort that lands after the check still stops this Run.
        _runOptions.Terminate = false;
        cancellation.ThrowIfCancellationRequested();
        if (cache.Fixed is not null)
        {
            return PrefillInPlace(inputs, cache, batch.TotalLength);
        }

        // The returned list is not disposed as a whole: logits go to the caller, presents into the cache.
        var outputs = _deviceMemory is null ? _session.Run(_runOptions, _inputNames, inputs, _outputNames) : RunOnDevice(inputs);
        cache.Replace(outputs.Skip(1).ToArray(), batch.TotalLength);
        return new ForwardOutput(outputs[0]);
    }

    /// <summary>A prompt (or the first step) into the fixed buffers: past and present are the same tensors, GQA writes at [0, total).</summary>
    private ForwardOutput PrefillInPlace(OrtValue[] inputs, KvCache cache, int totalLength)
    {
        var outputs = RunBound(inputs, (binding, name, layerValue) => binding.BindOutput(name, cache.Values[layerValue]));
        foreach (var present in outputs.Skip(1))
        {
            present.Dispose();
        }

        cache.Advance(totalLength);
        return new ForwardOutput(outputs[0]);
    }

    /// <summary>One token per row into the fixed buffers, through the decoder's persistent binding (a CUDA graph replays it).</summary>
    private ForwardOutput DecodeInPlace(ForwardBatch batch, KvCache cache, FixedKvBuffers buffers, CancellationToken cancellation)
    {
        var decoder = _fixedDecoder!;
        buffers.StageDecode(batch);
        decoder.RunOptions.Terminate = false;
        cancellation.ThrowIfCancellationRequested();
        _session.RunWithBinding(decoder.RunOptions, decoder.Binding);
        cache.Advance(batch.TotalLength);
        return new ForwardOutput(buffers.FetchLogits(), ownsLogits: false);
    }

    /// <summary>
    /// ONNX Runtime's CUDA QMoE kernel refuses experts whose inter size is not a multiple of its 64-wide tile, and says so
    /// only at the first run; name the export and the field before anything loads.
    /// </summary>
    private static void RequireCudaQMoeTiles(string folder, ExportManifest manifest, SessionSettings settings)
    {
        const int Tile = 64;
        var config = manifest.Config;
        if (settings.ExecutionProvider == ExecutionProviderKind.Cuda && manifest.GraphKind == ExportGraph.Fused && manifest.Quantization is not null
            && config.IsMoe && config.MoeIntermediateSize % Tile != 0)
        {
            throw new Qwen3OnnxException(
                $"{folder}: CUDA's quantized MoE kernel needs moe_intermediate_size to be a multiple of {Tile} (this model's is {config.MoeIntermediateSize}); export it in fp16 or bf16 for CUDA, or run it on the CPU");
        }
    }

    /// <summary>The fixed buffer set for a request: capacity rounded up so that similar requests share one set (and one captured graph).</summary>
    private FixedBufferShape FixedShapeFor(int batchSize, int capacity)
    {
        var config = Manifest.Config;
        int rounded = Math.Min(MaxSequenceLength, ((capacity + 127) / 128) * 128);
        return new FixedBufferShape(config.NumHiddenLayers, batchSize, config.NumKeyValueHeads, rounded, config.HeadDim, config.VocabSize, _kvElementType);
    }

    /// <summary>The decoder for this shape: the current one if it fits, else new buffers (and a new CUDA graph id).</summary>
    private FixedDecoder FixedDecoderFor(FixedBufferShape shape)
    {
        if (_fixedDecoder is { } current && current.Buffers.Shape.BatchSize == shape.BatchSize && current.Buffers.Shape.Capacity >= shape.Capacity)
        {
            return current;
        }

        int graphId = (_fixedDecoder?.GraphId ?? 0) + 1;
        _fixedDecoder?.Dispose();
        _fixedDecoder = null;
        _fixedDecoder = new FixedDecoder(_session, shape, _deviceMemory, _pinnedHostMemory, _inputNames, _outputNames, _cudaGraph ? graphId : null);
        return _fixedDecoder;
    }

    /// <summary>
    /// Binds the presents to device memory so the cache never leaves the accelerator; only the logits come back
    /// to the host (and the small id/mask/position tensors go up).
    /// </summary>
    private IReadOnlyList<OrtValue> RunOnDevice(OrtValue[] inputs) =>
        RunBound(inputs, (binding, name, _) => binding.BindOutputToDevice(name, _deviceMemory!));

    /// <summary>
    /// Runs one step through an IOBinding: every input as given, the logits to host memory, and each present output
    /// (its name and its index among the key/value values) where <paramref name="bindPresent"/> puts it.
    /// </summary>
    private IReadOnlyList<OrtValue> RunBound(OrtValue[] inputs, Action<OrtIoBinding, string, int> bindPresent)
    {
        using var binding = _session.CreateIoBinding();
        for (int i = 0; i < inputs.Length; i++)
        {
            binding.BindInput(_inputNames[i], inputs[i]);
        }

        binding.BindOutputToDevice(_outputNames[0], OrtMemoryInfo.DefaultInstance);
        for (int i = 1; i < _outputNames.Length; i++)
        {
            bindPresent(binding, _outputNames[i], i - 1);
        }

        _session.RunWithBinding(_runOptions, binding);
        return binding.GetOutputValues();
    }

    /// <summary>Stops a running <see cref="Forward"/> (it then throws); used to honour cancellation within a step.</summary>
    public void Abort()
    {
        _runOptions.Terminate = true;
        if (_fixedDecoder is { } decoder)
        {
            decoder.RunOptions.Terminate = true;
        }
    }

    /// <summary>Stops the profile asked for by <see cref="SessionSettings.ProfilePrefix"/> and returns its file (null when not profiling).</summary>
    public string? EndProfiling() => _profiling ? Path.GetFullPath(_session.EndProfiling()) : null;

    public void Dispose()
    {
        _fixedDecoder?.Dispose();
        _session.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>
    /// The graph's inputs and outputs as the export manifest lists them (in the contract's order: ids, mask,
    /// positions, then key/value per layer; logits, then key/value per layer). Manifests from before the lists
    /// were recorded fall back to the contract's names.
    /// </summary>
    private static (string[] Inputs, string[] Outputs) IoNames(ExportManifest manifest, string folder)
    {
        int layers = manifest.Config.NumHiddenLayers;
        string[] inputs = manifest.InputNames.Count > 0 ? [.. manifest.InputNames] : [.. GraphIoNames.Inputs(layers)];
        string[] outputs = manifest.OutputNames.Count > 0 ? [.. manifest.OutputNames] : [.. GraphIoNames.Outputs(layers)];
        if (inputs.Length != 3 + 2 * layers || outputs.Length != 1 + 2 * layers)
        {
            throw new Qwen3OnnxException(
                $"{Path.Combine(folder, ExportManifest.FileName)}: lists {inputs.Length} inputs and {outputs.Length} outputs; a {layers}-layer graph has {3 + 2 * layers} and {1 + 2 * layers}");
        }

        return (inputs, outputs);
    }
}
