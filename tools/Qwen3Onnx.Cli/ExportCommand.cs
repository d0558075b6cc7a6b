using System.CommandLine;
using Qwen3Onnx.Export;
using Qwen3Onnx.Hub;
using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Config;
using Spectre.Console;

namespace Qwen3Onnx.Cli;

/// <summary><c>qwen3-onnx export --model &lt;folder|preset&gt; --out &lt;folder&gt; [--dtype fp32|fp16|bf16|int8|int4] [--graph fused|portable] …</c></summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "checkpoint folder (config.json + safetensors), a Qwen3 name (0.6B … 235B-A22B, 4B-Instruct-2507, …) found in the "
                + "Hugging Face cache or downloaded there, or an org/name repo id; with --synthetic-weights a preset name",
            Required = true,
        };
        var revision = new Option<string>("--revision") { Description = "hub branch, tag or commit when --model names a hub model", DefaultValueFactory = _ => "main" };
        var output = new Option<string?>("--out") { Description = "export folder (default: graphs/<model>-<dtype>)" };
        var dtype = new Option<string>("--dtype")
        {
            Description = "weight precision: fp32, fp16, bf16 (CUDA only: no CPU kernels), int8 or int4 (int8/int4: block-quantized weights, float32 activations and KV cache)",
            DefaultValueFactory = _ => "fp32",
        };
        var activations = new Option<string?>("--activations")
        {
            Description = "int8/int4 only: activation and KV-cache precision, fp32 (default, CPU) or fp16/bf16 (the fast GPU kernels)",
        };
        var graph = new Option<string?>("--graph")
        {
            Description = "portable (standard ONNX ops) or fused (ONNX Runtime contrib ops); default: fused for int8/int4, which need it, else portable",
        };
        var blockSize = new Option<int>("--block-size")
        {
            Description = "int8/int4 quantization block size along the input features (power of two, 16-256)",
            DefaultValueFactory = _ => ExportOptions.DefaultBlockSize,
        };
        var outputBits = new Option<int?>("--output-bits")
        {
            Description = "int4 only: bits of the output projection (lm_head or tied embedding), 8 (default, accurate) or 4 (fewer bytes per token)",
        };
        var accuracyLevel = new Option<int?>("--accuracy-level")
        {
            Description = "int8/int4 only: MatMulNBits accuracy_level, 0 (float activations, exact) to 4 (int8 activations, default: the fast CPU kernels)",
        };
        var lastTokenLogits = new Option<bool>("--last-token-logits") { Description = "compute logits for the last position only ([batch, 1, vocab])" };
        var force = new Option<bool>("--force") { Description = "write into a non-empty folder that is not an earlier export, beside its files (none is replaced or deleted)" };
        var synthetic = new Option<bool>("--synthetic-weights") { Description = "use seeded synthetic weights instead of the checkpoint's" };
        var seed = new Option<ulong>("--seed") { Description = "seed for --synthetic-weights", DefaultValueFactory = _ => 1 };
        var maxSeqLen = new Option<int?>("--max-seq-len") { Description = "longest past + new sequence (default: max_position_embeddings)" };
        var command = new Command("export", "export a Qwen3 checkpoint to ONNX") { model, revision, output, dtype, activations, graph, blockSize, outputBits, accuracyLevel, lastTokenLogits, force, synthetic, seed, maxSeqLen };
        command.SetAction((parse, cancellation) => Task.FromResult(CliErrors.Run(() =>
        {
            string requested = parse.GetValue(model)!;
            if (parse.GetValue(output) is { } explicitOutput)
            {
                // Before any download or read: a wrong --out must fail in a second, not after the export.
                Qwen3Exporter.CheckOutputFolder(explicitOutput, parse.GetValue(force));
            }

            string source = ResolveModel(requested, parse.GetValue(revision)!, parse.GetValue(synthetic), cancellation);
            // A hub snapshot folder is named by its commit; name the default output after what the user asked for.
            string? outputFolder = parse.GetValue(output)
                ?? (source == requested ? null : Path.Combine("graphs", $"{requested.Replace('/', '-').ToLowerInvariant()}-{parse.GetValue(dtype)!.ToLowerInvariant()}"));
            var options = Options(new ExportArguments(
                source, outputFolder, parse.GetValue(dtype)!, parse.GetValue(synthetic), parse.GetValue(seed), parse.GetValue(maxSeqLen))
            {
                Graph = parse.GetValue(graph),
                Activations = parse.GetValue(activations),
                BlockSize = parse.GetValue(blockSize),
                OutputBits = parse.GetValue(outputBits),
                AccuracyLevel = parse.GetValue(accuracyLevel),
                LastTokenLogitsOnly = parse.GetValue(lastTokenLogits),
                Force = parse.GetValue(force),
            });
            // SIGINT and SIGTERM stop the export within one tensor instead of ending the process, so that its staging
            // folder is deleted on the way out.
            using var signals = new TerminationSignals();
            using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellation, signals.Token);
            try
            {
                var summary = Console.IsOutputRedirected ? ExportWithPlainLines(options, interrupted.Token) : ExportWithProgressBar(options, interrupted.Token);
                PrintSummary(summary);
                return 0;
            }
            catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
            {
                Console.Error.WriteLine($"error: export interrupted; nothing was written to {options.OutputFolder}");
                return signals.ExitCode;
            }
        })));
        return command;
    }

    private static ExportOptions Options(ExportArguments args)
    {
        var dtype = ExportOptions.ParseDType(args.DType);
        bool isFolder = Directory.Exists(args.Model);
        ModelSource.RefuseFile(args.Model);
        if (!isFolder && !Qwen3Presets.TryGet(args.Model, out _))
        {
            throw new Qwen3OnnxException(
                $"--model '{args.Model}' is neither a folder nor a preset name (presets: {string.Join(", ", Qwen3Presets.Names)})");
        }

        string name = isFolder ? Path.GetFileName(Path.GetFullPath(args.Model).TrimEnd(Path.DirectorySeparatorChar)) : $"qwen3-{args.Model.ToLowerInvariant()}";
        return new ExportOptions
        {
            SourceFolder = isFolder ? args.Model : null,
            Preset = isFolder ? null : args.Model,
            SyntheticSeed = args.Synthetic ? args.Seed : null,
            OutputFolder = args.Output ?? Path.Combine("graphs", $"{name}-{dtype.ToString().ToLowerInvariant()}"),
            DType = dtype,
            Graph = args.Graph is null ? null : ExportOptions.ParseGraph(args.Graph),
            Activations = args.Activations is null ? null : ExportOptions.ParseDType(args.Activations),
            BlockSize = args.BlockSize,
            OutputBits = args.OutputBits,
            AccuracyLevel = args.AccuracyLevel,
            LastTokenLogitsOnly = args.LastTokenLogitsOnly,
            Force = args.Force,
            MaxSequenceLength = args.MaxSequenceLength,
        };
    }

    /// <summary>A folder or (with synthetic weights) a preset stays as it is; anything else is a hub model to find or download.</summary>
    private static string ResolveModel(string model, string revision, bool synthetic, CancellationToken cancellation)
    {
        if (Directory.Exists(model) || (synthetic && Qwen3Presets.TryGet(model, out _)))
        {
            return model;
        }

        using var resolver = new HubModelResolver(HubOptions.FromEnvironment());
        return DownloadCommand.ResolveWithProgressAsync(resolver, model, revision, cancellation).GetAwaiter().GetResult();
    }

    private static ExportSummary ExportWithPlainLines(ExportOptions options, CancellationToken cancellation)
    {
        Console.WriteLine($"exporting to {options.OutputFolder}");
        return Qwen3Exporter.Export(options, new CallbackProgress<ExportProgress>(p =>
            Console.WriteLine($"{p.Stage} {p.Completed}/{p.Total} ({Gigabytes(p.BytesWritten)} written)")), cancellation);
    }

    private static ExportSummary ExportWithProgressBar(ExportOptions options, CancellationToken cancellation)
    {
        ExportSummary? summary = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("exporting", maxValue: 1);
                summary = Qwen3Exporter.Export(options, new CallbackProgress<ExportProgress>(p =>
                {
                    task.Description = $"{p.Stage} ({Gigabytes(p.BytesWritten)})";
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Completed;
                }), cancellation);
                task.Value = task.MaxValue;
            });
        return summary!;
    }

    private static void PrintSummary(ExportSummary summary)
    {
        foreach (string warning in summary.Warnings)
        {
            Console.Error.WriteLine($"warning: {warning}");
        }

        Console.WriteLine($"exported {summary.OutputFolder}");
        Console.WriteLine($"  layers:         {summary.Layers}");
        Console.WriteLine($"  parameters:     {summary.Parameters:N0}");
        Console.WriteLine($"  bytes written:  {summary.BytesWritten:N0} ({Gigabytes(summary.BytesWritten)}{(summary.ExternalData ? ", external data" : "")})");
        Console.WriteLine($"  seconds:        {summary.Seconds:F1}");
        Console.WriteLine($"  peak memory:    {summary.PeakMemoryBytes / (1024.0 * 1024.0):F0} MiB");
    }

    private static string Gigabytes(long bytes) => $"{bytes / 1e9:F2} GB";

    private sealed record ExportArguments(string Model, string? Output, string DType, bool Synthetic, ulong Seed, int? MaxSequenceLength)
    {
        public string? Graph { get; init; }

        public string? Activations { get; init; }

        public int BlockSize { get; init; } = ExportOptions.DefaultBlockSize;

        public int? OutputBits { get; init; }

        public int? AccuracyLevel { get; init; }

        public bool LastTokenLogitsOnly { get; init; }

        public bool Force { get; init; }
    }
}
