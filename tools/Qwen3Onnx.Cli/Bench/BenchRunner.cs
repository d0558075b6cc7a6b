using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Constraints;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Tokenization;
using Qwen3Onnx.Runtime.Session;

namespace Qwen3Onnx.Cli.Bench;

/// <summary>
/// Measures one export: seeded random prompts, warm-up reps, then reps of prefill + greedy decode of exactly
/// the requested number of tokens (no stop ids), reporting medians.
/// </summary>
public static class BenchRunner
{
    public static BenchResult Run(BenchSettings settings, string folder)
    {
        bool peakReset = PeakMemory.TryReset();
        var sessionSettings = SessionSettings.Parse(settings.ExecutionProvider, settings.ExecutionProviderLibrary) with
        {
            IntraOpThreads = settings.Threads,
            CudaGraph = settings.CudaGraph,
            FixedKvCache = settings.FixedKvCache,
            ProfilePrefix = settings.ProfilePrefix,
        };
        var gpuMemory = sessionSettings.ExecutionProvider == ExecutionProviderKind.Cuda ? GpuMemoryProbe.TryStart(sessionSettings.DeviceId) : null;
        using var session = Qwen3Session.Open(folder, sessionSettings);
        RequireContext(settings, session);
        using var engine = new Qwen3Engine(session);
        var request = new GenerationRequest
        {
            Prompts = RandomPrompts(settings, session.VocabSize),
            MaxNewTokens = settings.NewTokens,
            StopTokenIds = [],
            Sampling = new SamplingOptions { Greedy = true, Grammar = Grammar(settings, folder, session) },
        };
        for (int rep = 0; rep < settings.Warmup; rep++)
        {
            Measure(engine, request);
        }

        var reps = Enumerable.Range(0, settings.Reps).Select(_ =>
        {
            var timing = Measure(engine, request);
            gpuMemory?.Sample();
            return timing;
        }).ToArray();
        return Summarize(settings, session, reps) with
        {
            Constraint = request.Sampling.Grammar?.Description,
            PeakRssMib = PeakMemory.PeakBytes() / (1024.0 * 1024.0),
            PeakRssAfterReset = peakReset,
            GpuMemoryMib = gpuMemory?.PeakMib,
            GpuMemoryScope = gpuMemory?.Scope,
            ProfileFile = session.EndProfiling(),
        };
    }

    /// <summary>
    /// The schema's grammar over the tokenizer's vocabulary. Once the document is complete only end-of-sequence
    /// ids are allowed, and bench decodes on through them (it ignores stops), so long runs measure those steps too.
    /// </summary>
    private static TokenGrammar? Grammar(BenchSettings settings, string folder, Qwen3Session session)
    {
        if (settings.JsonSchemaFile is not { } file)
        {
            return null;
        }

        var tokenizer = Qwen3Tokenizer.Load(settings.TokenizerFolder ?? folder);
        if (tokenizer.VocabularySize > session.VocabSize)
        {
            throw new Qwen3OnnxException($"{settings.TokenizerFolder ?? folder}: the tokenizer has {tokenizer.VocabularySize} ids but the model only {session.VocabSize}");
        }

        return JsonSchemaFile.Grammar("bench", file, tokenizer, thinking: false);
    }

    /// <summary>Random ids, the same for every run with the same seed and shape.</summary>
    private static IReadOnlyList<IReadOnlyList<int>> RandomPrompts(BenchSettings settings, int vocabSize)
    {
        var random = new Random(unchecked((int)settings.Seed));
        return [.. Enumerable.Range(0, settings.Batch).Select(_ => (IReadOnlyList<int>)[.. Enumerable.Range(0, settings.PromptTokens).Select(_ => random.Next(vocabSize))])];
    }

    private static RepTiming Measure(Qwen3Engine engine, GenerationRequest request)
    {
        var generated = engine.GenerateAll(request);
        var ids = generated.Ids;
        if (ids.Any(row => row.Count != request.MaxNewTokens))
        {
            throw new Qwen3OnnxException($"bench: a row stopped before {request.MaxNewTokens} new tokens");
        }

        return RepTiming.From(generated.Stats);
    }

    private static void RequireContext(BenchSettings settings, Qwen3Session session)
    {
        int needed = settings.PromptTokens + settings.NewTokens;
        if (needed > session.MaxSequenceLength)
        {
            throw new Qwen3OnnxException(
                $"{session.Folder}: prompt {settings.PromptTokens} + new {settings.NewTokens} tokens exceed the export's context of {session.MaxSequenceLength}");
        }
    }

    private static BenchResult Summarize(BenchSettings settings, Qwen3Session session, RepTiming[] reps) => new()
    {
        Model = settings.Model,
        DType = session.Manifest.DType,
        Graph = session.Manifest.Graph,
        KvDType = session.Manifest.KvDType,
        BlockSize = session.Manifest.Quantization?.BlockSize,
        OutputBits = session.Manifest.Quantization?.OutputBits,
        FixedKvCache = session.UsesFixedCache,
        CudaGraph = settings.CudaGraph && session.UsesFixedCache,
        ExecutionProvider = settings.ExecutionProvider.ToLowerInvariant(),
        Threads = settings.Threads,
        Batch = settings.Batch,
        PromptTokens = settings.PromptTokens,
        NewTokens = settings.NewTokens,
        Reps = reps.Length,
        PrefillTokensPerSecond = Median(reps, r => r.PrefillTokensPerSecond),
        DecodeTokensPerSecond = Median(reps, r => r.DecodeTokensPerSecond),
        TimeToFirstTokenMs = Median(reps, r => r.TimeToFirstTokenMs),
        HostOverheadUsPerStep = Median(reps, r => r.HostOverheadUsPerStep),
        SamplingUsPerToken = Median(reps, r => r.SamplingUsPerToken),
        ModelBytes = ModelBytes(session),
        ParametersReadPerToken = WeightTraffic.ParametersReadPerToken(session.Manifest.Config),
        ExportFolder = Path.GetFullPath(session.Folder),
    };

    private static double Median(RepTiming[] reps, Func<RepTiming, double> figure)
    {
        double[] sorted = [.. reps.Select(figure).Order()];
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static long ModelBytes(Qwen3Session session)
    {
        var manifest = session.Manifest;
        return new[] { manifest.ModelFile, manifest.ExternalDataFile }
            .OfType<string>()
            .Select(name => new FileInfo(Path.Combine(session.Folder, name)))
            .Where(file => file.Exists)
            .Sum(file => file.Length);
    }
}
