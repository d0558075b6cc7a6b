using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Package;

namespace Qwen3Onnx.Export.Package;

/// <summary>The manifest and the tokenizer files that go beside model.onnx.</summary>
internal static class PackageFiles
{
    public static readonly IReadOnlyList<string> TokenizerFileNames =
        [
            "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "added_tokens.json", "special_tokens_map.json",
            "chat_template.jinja", GenerationConfigReader.FileName,
        ];

    /// <summary>Copies the tokenizer files the source folder has; returns their names.</summary>
    public static IReadOnlyList<string> CopyTokenizerFiles(string? sourceFolder, StagingFolder staging)
    {
        if (sourceFolder is null)
        {
            return [];
        }

        var copied = new List<string>();
        foreach (string name in TokenizerFileNames)
        {
            string source = Path.Combine(sourceFolder, name);
            if (File.Exists(source))
            {
                File.Copy(source, staging.PathOf(name));
                if (!OperatingSystem.IsWindows())
                {
                    // A read-only source (a shared cache) must not make the export folder's copies read-only.
                    File.SetUnixFileMode(staging.PathOf(name), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                }

                copied.Add(name);
            }
        }

        return copied;
    }

    public static ExportManifest Manifest(ManifestFacts facts)
    {
        var generation = GenerationConfigReader.Read(facts.SourceFolder);
        var config = facts.Config;
        var eos = generation.EosTokenIds is { Count: > 0 } fromGeneration ? fromGeneration : config.EosTokenIds;
        return new ExportManifest
        {
            Source = facts.SourceDescription,
            Config = config,
            DType = facts.DType.ToString().ToLowerInvariant(),
            KvDType = facts.Activations switch
            {
                ExportDType.Fp16 => "float16",
                ExportDType.Bf16 => "bfloat16",
                _ => "float32",
            },
            LastTokenLogitsOnly = facts.LastTokenLogitsOnly,
            Graph = facts.Flavor,
            Quantization = facts.Quantization,
            ExternalDataFile = facts.ExternalDataFile,
            MaxSequenceLength = facts.MaxSequenceLength,
            InputNames = GraphIoNames.Inputs(config.NumHiddenLayers),
            OutputNames = GraphIoNames.Outputs(config.NumHiddenLayers),
            EosTokenIds = eos,
            PadTokenId = generation.PadTokenId ?? (eos.Count > 0 ? eos[0] : null),
            Generation = generation,
            TokenizerFiles = facts.TokenizerFiles,
            GenAiConfigFile = GenAiConfig.FileName,
        };
    }
}
