using System.CommandLine;
using Qwen3Onnx.Cli.Bench;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Cli;

/// <summary>
/// <c>qwen3-onnx bench --model &lt;export folder|preset&gt; [--synthetic-weights] [--dtype …] [--graph …] [--prompt-tokens 32]
/// [--new-tokens 128] [--batch 1] [--ep cpu|cuda|dml] [--ep-library PATH] [--threads N] [--warmup 1] [--reps 3] [--json FILE]
/// [--export-cache DIR]</c>: prefill and decode speed, time to first token, host overhead and peak memory of one export.
/// </summary>
public static class BenchCommand
{
    private static readonly Option<string> Model = new("--model") { Description = "export folder, or a preset name (0.6B … 235B-A22B) with --synthetic-weights", Required = true };
    private static readonly Option<bool> Synthetic = new("--synthetic-weights") { Description = "export the preset with seeded synthetic weights (cached)" };
    private static readonly Option<ulong> Seed = new("--seed") { Description = "seed for the synthetic weights and the random prompt", DefaultValueFactory = _ => 1 };
    private static readonly Option<string> DType = new("--dtype") { Description = "weight precision of the export: fp32, fp16, int8, int4", DefaultValueFactory = _ => "fp32" };
    private static readonly Option<string> Graph = new("--graph") { Description = "graph flavour of the export: portable or fused (int8/int4 need fused)", DefaultValueFactory = _ => "portable" };
    private static readonly Option<string?> Activations = new("--activations") { Description = "int8/int4 activation precision of the export: fp32 (default) or fp16/bf16 (GPU)" };
    private static readonly Option<int?> BlockSize = new("--block-size") { Description = "int8/int4 quantization block size of the export (default 32)" };
    private static readonly Option<int?> OutputBits = new("--output-bits") { Description = "int4 output-projection bits of the export: 8 (default) or 4" };
    private static readonly Option<bool> CudaGraph = new("--cuda-graph") { Description = "capture decode steps as a CUDA graph and replay them (CUDA, fused graphs)" };
    private static readonly Option<string?> FixedCache = new("--fixed-cache") { Description = "on/off: fixed in-place key/value buffers (default: on for fused graphs on cpu and cuda)" };
    private static readonly Option<int> PromptTokens = new("--prompt-tokens") { Description = "random prompt length per row", DefaultValueFactory = _ => 32 };
    private static readonly Option<int> NewTokens = new("--new-tokens") { Description = "tokens decoded per row (end-of-sequence ignored)", DefaultValueFactory = _ => 128 };
    private static readonly Option<int> Batch = new("--batch") { Description = "rows decoded together", DefaultValueFactory = _ => 1 };
    private static readonly Option<string> Ep = new("--ep") { Description = "execution provider: cpu, cuda or dml", DefaultValueFactory = _ => "cpu" };
    private static readonly Option<string?> EpLibrary = new("--ep-library") { Description = "plugin execution-provider library, e.g. libonnxruntime_providers_cuda.so" };
    private static readonly Option<int> Threads = new("--threads") { Description = "intra-op threads (0: ONNX Runtime picks)", DefaultValueFactory = _ => 0 };
    private static readonly Option<int> Warmup = new("--warmup") { Description = "unmeasured reps first", DefaultValueFactory = _ => 1 };
    private static readonly Option<int> Reps = new("--reps") { Description = "measured reps (medians are reported)", DefaultValueFactory = _ => 3 };
    private static readonly Option<string?> Json = new("--json") { Description = "also write the JSON line to this file" };
    private static readonly Option<string?> ExportCache = new("--export-cache") { Description = "folder for cached synthetic exports (default: a temp folder)" };
    private static readonly Option<string?> JsonSchema = new("--json-schema") { Description = "decode under this JSON Schema file (constrained decoding; the mask's cost shows in sampling µs/token)" };
    private static readonly Option<string?> Tokenizer = new("--tokenizer") { Description = "folder with tokenizer.json for --json-schema (default: the export's)" };
    private static readonly Option<string?> Profile = new("--profile") { Description = "write ONNX Runtime's per-node profile (Chrome trace JSON) to PREFIX_<time>.json; summarize it with bench/profile-summary.py" };

    public static Command Create()
    {
        var command = new Command("bench", "Measure prefill/decode speed, time to first token and memory of an export");
        foreach (var option in new Option[] { Model, Synthetic, Seed, DType, Activations, BlockSize, OutputBits, Graph, CudaGraph, FixedCache, PromptTokens, NewTokens, Batch, Ep, EpLibrary, Threads, Warmup, Reps, Json, ExportCache, JsonSchema, Tokenizer, Profile })
        {
            command.Options.Add(option);
        }

        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult parse)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            var settings = Settings(parse).Validate();
            string folder = BenchExportCache.Resolve(settings, error);
            var result = BenchRunner.Run(settings, folder);
            BenchReport.Write(result, output);
            if (parse.GetValue(Json) is { } jsonFile)
            {
                File.WriteAllText(jsonFile, result.ToJsonLine() + Environment.NewLine);
            }

            return 0;
        }
        catch (Qwen3OnnxException ex)
        {
            return CliErrors.Report(ex, error);
        }
    }

    private static BenchSettings Settings(ParseResult parse) => new()
    {
        Model = parse.GetValue(Model)!,
        SyntheticWeights = parse.GetValue(Synthetic),
        Seed = parse.GetValue(Seed),
        DType = parse.GetValue(DType)!,
        Graph = parse.GetValue(Graph)!,
        Activations = parse.GetValue(Activations),
        BlockSize = parse.GetValue(BlockSize),
        OutputBits = parse.GetValue(OutputBits),
        CudaGraph = parse.GetValue(CudaGraph),
        FixedKvCache = parse.GetValue(FixedCache) switch
        {
            null => null,
            "on" => true,
            "off" => false,
            var other => throw new Qwen3OnnxException($"--fixed-cache must be on or off (got '{other}')"),
        },
        PromptTokens = parse.GetValue(PromptTokens),
        NewTokens = parse.GetValue(NewTokens),
        Batch = parse.GetValue(Batch),
        ExecutionProvider = parse.GetValue(Ep)!,
        ExecutionProviderLibrary = parse.GetValue(EpLibrary),
        Threads = parse.GetValue(Threads),
        Warmup = parse.GetValue(Warmup),
        Reps = parse.GetValue(Reps),
        ExportCache = parse.GetValue(ExportCache),
        ProfilePrefix = parse.GetValue(Profile),
        JsonSchemaFile = parse.GetValue(JsonSchema),
        TokenizerFolder = parse.GetValue(Tokenizer),
    };
}
