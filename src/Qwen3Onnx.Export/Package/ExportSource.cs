using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Export.Package;

/// <summary>The config and weights an export reads, resolved from the options.</summary>
internal sealed record ExportSource(Qwen3Config Config, IWeightSource Weights, string? Folder, string Description) : IDisposable
{
    public static ExportSource Open(ExportOptions options)
    {
        if (options is { Config: { } given, Weights: { } supplied })
        {
            return new ExportSource(given.Validate("export config"), new BorrowedWeights(supplied), null, $"custom config, {supplied.Description}");
        }

        if (options.Config is { } custom)
        {
            var synthetic = new SyntheticWeights(custom.Validate("export config"), options.SyntheticSeed!.Value);
            return new ExportSource(custom, synthetic, null, $"custom config, {synthetic.Description}");
        }

        if (options.Preset is { } preset)
        {
            var synthetic = new SyntheticWeights(Qwen3Presets.Get(preset), options.SyntheticSeed!.Value);
            return new ExportSource(Qwen3Presets.Get(preset), synthetic, null, $"preset {preset}, {synthetic.Description}");
        }

        string folder = options.SourceFolder!;
        string configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
        {
            throw new Qwen3OnnxException($"{configPath}: not found; --model must be a checkpoint folder or a preset name");
        }

        var config = Qwen3ConfigReader.ReadFile(configPath);
        IWeightSource weights = options.SyntheticSeed is { } seed ? new SyntheticWeights(config, seed) : Checkpoint.Open(folder);
        string description = options.SyntheticSeed is null ? folder : $"{folder}, {weights.Description}";
        return new ExportSource(config, weights, folder, description);
    }

    public void Dispose() => Weights.Dispose();
}
