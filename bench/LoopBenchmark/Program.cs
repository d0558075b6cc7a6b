// Host overhead of the generation loop: per decode step, wall time minus the time inside ONNX Runtime's Run, the
// sampler's share, and the managed bytes allocated per token (on the engine's thread, and on every thread: the reader
// and, above one row, the sampling threads). Usage: LoopBenchmark [export folder | preset name] [new tokens, default 128]
// [graph of the synthetic export: portable (default) | fused]
using System.Globalization;
using Qwen3Onnx.Export;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Session;

string source = args.Length > 0 ? args[0] : "custom";
int newTokens = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 128;
var graph = args.Length > 2 ? Enum.Parse<ExportGraph>(args[2], ignoreCase: true) : ExportGraph.Portable;
string folder = Directory.Exists(source) ? source : ExportSynthetic(source, graph);
using var session = Qwen3Session.Open(folder);
// The engine calls AfterStep on its thread as a step's tokens go out, when the request's stats include that step
// (its decode wall time up to the hand-out).
EngineRequest? current = null;
var snapshots = new List<(TimeSpan Sampling, TimeSpan Run, TimeSpan Decode, long Allocated, long EngineAllocated)>(newTokens + 1);
using var engine = new Qwen3Engine(session, new EngineOptions
{
    AfterStep = _ => snapshots.Add((current!.Stats.Sampling, current.Stats.DecodeRun, current.Stats.Decode, GC.GetTotalAllocatedBytes(precise: true), GC.GetAllocatedBytesForCurrentThread())),
});
var prompt = Enumerable.Range(0, 32).Select(i => (i * 7919) % 150000).ToArray();

Console.WriteLine($"model: {folder} ({session.Manifest.Config.NumHiddenLayers} layers, hidden {session.Manifest.Config.HiddenSize}, vocab {session.VocabSize})");
Console.WriteLine($"prompt 32 tokens, {newTokens} new tokens per case, no stop ids; times per decode step (token)");
Console.WriteLine("| case | tok/s (decode) | Run ms/token (median) | host overhead ms/token (median / p90) | of which sampling ms/token (median / p90) | managed bytes/token, engine thread / all threads (median) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var (name, sampling) in Cases())
{
    Measure(name, sampling, 16);
    Measure(name, sampling, newTokens);
}

if (!Directory.Exists(source))
{
    Directory.Delete(folder, recursive: true);
}

IEnumerable<(string, SamplingOptions)> Cases() =>
[
    ("greedy", new SamplingOptions { Greedy = true }),
    ("temperature 0.6, top-k 20, top-p 0.95 (Qwen3 thinking)", new SamplingOptions { Temperature = 0.6f, TopK = 20, TopP = 0.95f, Seed = 1, MaskedIdsFrom = 151669 }),
    ("same + repetition 1.1, presence 0.5", new SamplingOptions { Temperature = 0.6f, TopK = 20, TopP = 0.95f, RepetitionPenalty = 1.1f, PresencePenalty = 0.5f, Seed = 1, MaskedIdsFrom = 151669 }),
];

void Measure(string name, SamplingOptions sampling, int tokens)
{
    var request = new GenerationRequest { Prompts = [prompt], MaxNewTokens = tokens, Sampling = sampling, StopTokenIds = [] };
    snapshots.Clear();
    current = EngineRequest.For(request);
    engine.Submit(current).ReadTokens().Count();
    var stats = current.Stats;
    if (tokens < newTokens)
    {
        return; // warm-up
    }

    // Snapshot 0 follows the prefill; snapshot k, decode step k.
    var steps = Enumerable.Range(1, snapshots.Count - 1).Select(k => (
        Run: (snapshots[k].Run - snapshots[k - 1].Run).TotalMilliseconds,
        Overhead: (snapshots[k].Decode - snapshots[k - 1].Decode - (snapshots[k].Run - snapshots[k - 1].Run)).TotalMilliseconds,
        Sampling: (snapshots[k].Sampling - snapshots[k - 1].Sampling).TotalMilliseconds,
        Allocated: (double)(snapshots[k].Allocated - snapshots[k - 1].Allocated),
        EngineAllocated: (double)(snapshots[k].EngineAllocated - snapshots[k - 1].EngineAllocated))).ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {stats.DecodeTokensPerSecond:F1} | {Median(steps.Select(s => s.Run)):F3} | {Median(steps.Select(s => s.Overhead)):F3} / {Percentile(steps.Select(s => s.Overhead), 0.9):F3} | {Median(steps.Select(s => s.Sampling)):F3} / {Percentile(steps.Select(s => s.Sampling), 0.9):F3} | {Median(steps.Select(s => s.EngineAllocated)):F0} / {Median(steps.Select(s => s.Allocated)):F0} |"));
}

static double Median(IEnumerable<double> values) => Percentile(values, 0.5);

static double Percentile(IEnumerable<double> values, double quantile)
{
    var sorted = values.Order().ToArray();
    return sorted[(int)Math.Round(quantile * (sorted.Length - 1))];
}

static string ExportSynthetic(string source, ExportGraph graph)
{
    string output = Path.Combine(Path.GetTempPath(), $"qwen3onnx-loop-bench-{Environment.ProcessId}");
    var options = source == "custom"
        ? new ExportOptions { Config = SmallFullVocabulary(), SyntheticSeed = 1, OutputFolder = output, Graph = graph }
        : new ExportOptions { Preset = source, SyntheticSeed = 1, OutputFolder = output, MaxSequenceLength = 4096, Graph = graph };
    Console.WriteLine($"exporting {source} ({graph.ToString().ToLowerInvariant()} graph) with synthetic weights to {output}…");
    Qwen3Exporter.Export(options);
    return output;
}

// Qwen3's full vocabulary (the logits row the loop handles each step) on a small body, so Run time does not drown the overhead.
static Qwen3Config SmallFullVocabulary() => new()
{
    VocabSize = 151936,
    HiddenSize = 256,
    IntermediateSize = 768,
    NumHiddenLayers = 4,
    NumAttentionHeads = 4,
    NumKeyValueHeads = 2,
    HeadDim = 64,
    MaxPositionEmbeddings = 4096,
    TieWordEmbeddings = true,
    EosTokenIds = [151645, 151643],
};
