using System.Diagnostics;
using Qwen3Onnx.Export.Graph;
using Qwen3Onnx.Export.Package;
using Qwen3Onnx.Export.Quantization;
using Qwen3Onnx.Export.Weights;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Onnx;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export;

/// <summary>
/// Exports a Qwen3 checkpoint (or a preset with synthetic weights) to an export folder: model.onnx (+ model.onnx.data
/// for large graphs), qwen3-onnx.json, genai_config.json (ONNX Runtime GenAI) and the tokenizer files. Weights stream from the source to disk in tiles.
/// </summary>
public static class Qwen3Exporter
{
    public const string ModelFileName = "model.onnx";
    public const string DataFileName = "model.onnx.data";

    /// <summary>
    /// Fails unless <paramref name="outputFolder"/> may take an export: absent, empty, an earlier export (whose files
    /// alone are replaced) or, with <paramref name="force"/>, a folder of other files, none of which is touched.
    /// </summary>
    public static void CheckOutputFolder(string outputFolder, bool force = false) => OutputFolder.Check(outputFolder, force);

    /// <param name="cancellation">Stops the export within one tensor; the staging folder is deleted and nothing is written.</param>
    public static ExportSummary Export(ExportOptions options, IProgress<ExportProgress>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        var earlier = OutputFolder.Check(options.OutputFolder, options.Force);
        var clock = Stopwatch.StartNew();
        using var source = ExportSource.Open(options);
        var config = source.Config;
        Qwen3WeightNames.Validate(config, source.Weights);
        DiskSpace.Require(options.OutputFolder, DiskSpace.LowerBound(config, options.DType));
        int maxSequenceLength = options.MaxSequenceLength ?? config.MaxPositionEmbeddings;
        var recipe = Recipe(options);
        var flavor = Flavor(options, recipe);
        flavor.Require(config);
        using var staging = StagingFolder.Create(options.OutputFolder, earlier);
        bool external = WriteModel(new ModelJob(source, options, staging, flavor, maxSequenceLength), progress, cancellation);
        cancellation.ThrowIfCancellationRequested();
        var tokenizerFiles = PackageFiles.CopyTokenizerFiles(source.Folder, staging);
        var manifest = PackageFiles.Manifest(new ManifestFacts(
            config, source.Folder, source.Description, options.DType, flavor.Name, external ? DataFileName : null, maxSequenceLength, tokenizerFiles)
        {
            LastTokenLogitsOnly = options.LastTokenLogitsOnly,
            Activations = options.ResolvedActivations,
            Quantization = recipe?.ToManifest(),
        });
        File.WriteAllText(staging.PathOf(ExportManifest.FileName), manifest.ToJson());
        var genAi = GenAiConfig.For(manifest);
        File.WriteAllText(staging.PathOf(GenAiConfig.FileName), genAi.Json);
        long bytes = Directory.EnumerateFiles(staging.Path).Sum(f => new FileInfo(f).Length);
        progress?.Report(new ExportProgress("moving into place", 1, 1, bytes));
        staging.Commit();
        return new ExportSummary(
            Path.GetFullPath(options.OutputFolder),
            config.NumHiddenLayers,
            Qwen3WeightNames.ParameterCount(config),
            bytes,
            clock.Elapsed.TotalSeconds,
            Process.GetCurrentProcess().PeakWorkingSet64,
            external)
        {
            Warnings = genAi.Warnings,
        };
    }

    /// <summary>Builds the graph while streaming weights to model.onnx.data, then inlines them when small enough.</summary>
    private static bool WriteModel(ModelJob job, IProgress<ExportProgress>? progress, CancellationToken cancellation)
    {
        var config = job.Source.Config;
        string dataPath = job.Staging.PathOf(DataFileName);
        bool external;
        using (var data = new ExternalDataWriter(dataPath, cancellation: cancellation))
        {
            var graph = new GraphBuilder("model", data);
            var weights = new WeightMap(graph, job.Source.Weights, ActivationType(job.Options.ResolvedActivations));
            var context = new BuildContext(config, graph, weights, job.Flavor, job.MaxSequenceLength) { LastTokenLogitsOnly = job.Options.LastTokenLogitsOnly };
            progress?.Report(new ExportProgress("layers", 0, config.NumHiddenLayers, 0));
            Qwen3GraphBuilder.Build(context, layer =>
                progress?.Report(new ExportProgress("layers", layer + 1, config.NumHiddenLayers, data.TensorBytes)));
            var model = graph.ToModel(typeof(Qwen3Exporter).Assembly.GetName().Version?.ToString() ?? "0");
            external = data.TensorBytes > job.Options.InlineWeightLimit;
            progress?.Report(new ExportProgress("writing model", 0, 1, data.TensorBytes));
            string modelPath = job.Staging.PathOf(ModelFileName);
            if (external)
            {
                data.Flush();
                OnnxModelWriter.WriteExternal(model, modelPath);
            }
            else
            {
                OnnxModelWriter.WriteInline(model, data, modelPath);
            }
        }

        if (!external)
        {
            File.Delete(dataPath);
        }

        return external;
    }

    /// <summary>Activations and KV cache: float16 / bfloat16 for fp16 / bf16, float32 for fp32 (int4/int8 quantize weights only).</summary>
    private static DataType ActivationType(ExportDType dtype) => dtype switch
    {
        ExportDType.Fp16 => DataType.Float16,
        ExportDType.Bf16 => DataType.Bfloat16,
        _ => DataType.Float,
    };

    private static QuantizationRecipe? Recipe(ExportOptions options) => options.IsQuantized
        ? QuantizationRecipe.For(options.DType == ExportDType.Int4 ? 4 : 8, options.BlockSize, options.OutputBits)
            with { AccuracyLevel = options.AccuracyLevel ?? QuantizationRecipe.DefaultAccuracyLevel }
        : null;

    private static GraphFlavor Flavor(ExportOptions options, QuantizationRecipe? recipe) => options.ResolvedGraph switch
    {
        ExportGraph.Fused => new FusedFlavor(recipe),
        _ => PortableFlavor.Instance,
    };

    private sealed record ModelJob(ExportSource Source, ExportOptions Options, StagingFolder Staging, GraphFlavor Flavor, int MaxSequenceLength);
}
