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
    private readonly GraphRunner _runner;
    private readonly IKvCacheStrategy _caches;
    private readonly OrtMemoryInfo? _deviceMemory;
    private readonly bool _profiling;

    private Qwen3Session(string folder, ExportManifest manifest, InferenceSession session, OrtMemoryInfo? deviceMemory, OrtMemoryInfo? pinnedHostMemory, SessionSettings settings)
    {
        Folder = folder;
        _deviceMemory = deviceMemory;
        Manifest = manifest;
        _session = session;
        bool onCuda = deviceMemory is not null && settings.ExecutionProvider == ExecutionProviderKind.Cuda;
        // On the CPU too: GroupQueryAttention appending in place skips copying the whole past into a new present each
        // step (0.6B int4 decode on 2 cores +11 %). DirectML's kernel has never been run with a shared buffer here.
        UsesFixedCache = (settings.FixedKvCache ?? settings.ExecutionProvider != ExecutionProviderKind.DirectML) && manifest.GraphKind == ExportGraph.Fused;
        if (settings.CudaGraph && !(UsesFixedCache && onCuda))
        {
            throw new Qwen3OnnxException($"{folder}: CUDA graph capture needs the CUDA execution provider, a fused export and the fixed key/value cache");
        }

        _profiling = settings.ProfilePrefix is not null;
        var (inputNames, outputNames) = IoNames(manifest, folder);
        var kvElementType = manifest.KvDType switch
        {
            "float32" => TensorElementType.Float,
            "float16" => TensorElementType.Float16,
            "bfloat16" => TensorElementType.BFloat16,
            _ => throw new Qwen3OnnxException($"{folder}: manifest field 'kv_dtype' has unsupported value '{manifest.KvDType}'"),
        };
        var missing = inputNames.Except(session.InputNames).Concat(outputNames.Except(session.OutputNames)).FirstOrDefault();
        if (missing is not null)
        {
            throw new Qwen3OnnxException($"{Path.Combine(folder, manifest.ModelFile)}: graph has no '{missing}' input/output; re-export the model");
        }

        _runner = new GraphRunner(session, inputNames, outputNames, settings.CudaGraph);
        var growing = new GrowingKvCache(_runner, manifest.Config, kvElementType, deviceMemory);
        _caches = UsesFixedCache
            ? new FixedKvCache(_runner, growing, manifest.Config, kvElementType, MaxSequenceLength, deviceMemory, pinnedHostMemory, settings.CudaGraph, settings.HostFixedCacheLimitBytes)
            : growing;
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
        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new Qwen3OnnxException($"{modelPath}: ONNX Runtime cannot load the model ({ex.Message.Split('\n', 2)[0].Trim()})", ex);
        }

        try
        {
            return new Qwen3Session(folder, manifest, session, deviceMemory, pinnedHost, settings);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// An empty cache for <paramref name="batchSize"/> rows. With <see cref="UsesFixedCache"/>, it is the session's fixed
    /// buffer set for up to <paramref name="capacity"/> positions (reused while the next request fits; one generation
    /// at a time per session), unless that would reserve more host memory than
    /// <see cref="SessionSettings.HostFixedCacheLimitBytes"/>; otherwise it grows each step and
    /// <paramref name="capacity"/> is only a hint.
    /// </summary>
    public KvCache CreateCache(int batchSize, int capacity = 0) => _caches.Create(batchSize, capacity);

    /// <summary>
    /// The cache a running batch decodes on after its rows changed: <paramref name="filled"/> (a host cache of exactly
    /// its rows, as merging or dropping rows leaves it) moved into the fixed buffers for up to
    /// <paramref name="capacity"/> positions, where <see cref="CreateCache"/> would give fixed buffers; otherwise
    /// <paramref name="filled"/> itself, which then grows each step. The fixed buffers replace any earlier set of
    /// another shape, so no other cache of this session may be in use.
    /// </summary>
    internal KvCache Refit(KvCache filled, int capacity) => _caches.Refit(filled, capacity);

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

        if (batch.InputIds.Length != batch.BatchSize * batch.SequenceLength || batch.PositionIds.Length != batch.InputIds.Length
            || batch.TotalLength < batch.SequenceLength || batch.AttentionMask.Length < batch.BatchSize * batch.TotalLength)
        {
            throw new ArgumentException(
                $"inputs of {batch.InputIds.Length} ids, {batch.PositionIds.Length} positions and {batch.AttentionMask.Length} mask values do not make {batch.BatchSize} rows of {batch.SequenceLength} new and {batch.TotalLength} total positions",
                nameof(batch));
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

        return _caches.Forward(batch, cache, cancellation);
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

    /// <summary>Stops a running <see cref="Forward"/> (it then throws); used to honour cancellation within a step.</summary>
    public void Abort() => _caches.Abort();

    /// <summary>Stops the profile asked for by <see cref="SessionSettings.ProfilePrefix"/> and returns its file (null when not profiling).</summary>
    public string? EndProfiling() => _profiling ? Path.GetFullPath(_session.EndProfiling()) : null;

    public void Dispose()
    {
        _caches.Dispose();
        _session.Dispose();
        _runner.Dispose();
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
