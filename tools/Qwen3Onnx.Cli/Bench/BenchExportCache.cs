using Qwen3Onnx.Export;
using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Package;

namespace Qwen3Onnx.Cli.Bench;

/// <summary>
/// Finds the export folder to measure: the given folder, or a synthetic-weight export of a preset kept in a cache
/// folder keyed by (preset, dtype, activations, graph, seed, context) so later runs skip the export; exports compute
/// last-token logits only, as generation needs.
/// </summary>
public static class BenchExportCache
{
    /// <summary>Extra positions beyond prompt + new tokens; the context is then rounded up so nearby workloads share an export.</summary>
    private const int ContextMargin = 64;
    private const int ContextGranule = 256;

    public static string DefaultRoot => Path.Combine(Path.GetTempPath(), "qwen3onnx-bench-exports");

    public static string Resolve(BenchSettings settings, TextWriter log)
    {
        if (Directory.Exists(settings.Model) || File.Exists(settings.Model))
        {
            return ExistingExport(settings.Model);
        }

        if (!Qwen3Presets.TryGet(settings.Model, out _))
        {
            throw new Qwen3OnnxException(
                $"--model '{settings.Model}' is neither an export folder nor a preset name (presets: {string.Join(", ", Qwen3Presets.Names)})");
        }

        if (!settings.SyntheticWeights)
        {
            throw new Qwen3OnnxException($"--model '{settings.Model}' is a preset: add --synthetic-weights (or export a checkpoint and pass its folder)");
        }

        var options = ExportOptionsFor(settings).Validate();
        if (File.Exists(Path.Combine(options.OutputFolder, ExportManifest.FileName)))
        {
            log.WriteLine($"reusing export {options.OutputFolder}");
            return options.OutputFolder;
        }

        log.WriteLine($"exporting {settings.Model} {settings.DType} {settings.Graph} to {options.OutputFolder}");
        var summary = Qwen3Exporter.Export(options);
        log.WriteLine($"exported {summary.BytesWritten / 1e9:F2} GB in {summary.Seconds:F1} s");
        return options.OutputFolder;
    }

    /// <summary>The context an export needs for a workload: prompt + new + margin, rounded up.</summary>
    public static int ContextFor(int promptTokens, int newTokens)
    {
        int needed = promptTokens + newTokens + ContextMargin;
        return (needed + ContextGranule - 1) / ContextGranule * ContextGranule;
    }

    private static ExportOptions ExportOptionsFor(BenchSettings settings)
    {
        var dtype = ExportOptions.ParseDType(settings.DType);
        var graph = ExportOptions.ParseGraph(settings.Graph);
        int context = ContextFor(settings.PromptTokens, settings.NewTokens);
        string activations = settings.Activations is null ? "" : $"-act{settings.Activations}";
        string block = settings.BlockSize is int size ? $"-b{size}" : "";
        string head = settings.OutputBits is int bits ? $"-head{bits}" : "";
        string key = $"{settings.Model}-{settings.DType}{activations}{block}{head}-{settings.Graph}-last-seed{settings.Seed}-ctx{context}".ToLowerInvariant();
        return new ExportOptions
        {
            Preset = settings.Model,
            SyntheticSeed = settings.Seed,
            OutputFolder = Path.GetFullPath(Path.Combine(settings.ExportCache ?? DefaultRoot, key)),
            DType = dtype,
            Graph = graph,
            Activations = settings.Activations is null ? null : ExportOptions.ParseDType(settings.Activations),
            BlockSize = settings.BlockSize ?? ExportOptions.DefaultBlockSize,
            OutputBits = settings.OutputBits,
            MaxSequenceLength = context,
            // Generation samples from the last position only; the full [batch, prompt, vocab] prefill logits would be
            // computed and copied for nothing.
            LastTokenLogitsOnly = true,
        };
    }

    // The exporter builds only the portable graph so far; once ExportOptions carries a graph flavour this becomes its parser.
    private static string ExistingExport(string folder)
    {
        if (Directory.Exists(folder) && !File.Exists(Path.Combine(folder, ExportManifest.FileName)))
        {
            throw new Qwen3OnnxException($"{folder}: not an export folder (no {ExportManifest.FileName}); export it first or pass a preset with --synthetic-weights");
        }

        // A file, or a manifest whose model file is missing: the manifest reader's messages say which.
        _ = ExportManifest.ReadFolder(folder);
        return folder;
    }
}
