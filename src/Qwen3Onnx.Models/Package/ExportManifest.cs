using System.Text.Json;
using System.Text.Json.Serialization;
using Qwen3Onnx.Models.Config;

namespace Qwen3Onnx.Models.Package;

/// <summary>
/// <c>qwen3-onnx.json</c> beside <c>model.onnx</c>: everything the runtime needs to drive the graph
/// without re-reading the checkpoint (shapes, dtypes, I/O names, stop ids, sampling defaults).
/// </summary>
public sealed record ExportManifest
{
    public const string FileName = "qwen3-onnx.json";
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    public string Producer { get; init; } = "qwen3-onnx";

    /// <summary>Where the weights came from: a folder path, a preset name, or "synthetic (seed N)".</summary>
    public string Source { get; init; } = "";

    public required Qwen3Config Config { get; init; }

    /// <summary>Weight precision of the graph: fp32, fp16, bf16, int8 or int4.</summary>
    [JsonPropertyName("dtype")]
    public required string DType { get; init; }

    /// <summary>Element type of past/present key-value tensors: "float32", "float16" or "bfloat16".</summary>
    [JsonPropertyName("kv_dtype")]
    public required string KvDType { get; init; }

    /// <summary>Graph flavour: "portable" (standard ONNX ops) or "fused" (ONNX Runtime contrib ops); see <see cref="GraphKind"/>.</summary>
    public string Graph { get; init; } = "portable";

    /// <summary><see cref="Graph"/> as the enum the exporter chose it by.</summary>
    [JsonIgnore]
    public ExportGraph GraphKind => Graph switch
    {
        "portable" => ExportGraph.Portable,
        "fused" => ExportGraph.Fused,
        _ => throw new Qwen3OnnxException($"manifest field 'graph' is '{Graph}'; expected portable or fused"),
    };

    public string ModelFile { get; init; } = "model.onnx";

    /// <summary>Block formats of an int4/int8 export; null for float exports.</summary>
    public WeightQuantization? Quantization { get; init; }

    /// <summary>The external-data file beside the model, or null when the weights are inside model.onnx.</summary>
    public string? ExternalDataFile { get; init; }

    /// <summary>True when the graph returns logits for the last position only (shape [batch, 1, vocab]).</summary>
    public bool LastTokenLogitsOnly { get; init; }

    /// <summary>Largest past + new sequence length the graph's rotary tables cover.</summary>
    public int MaxSequenceLength { get; init; }

    public IReadOnlyList<string> InputNames { get; init; } = [];

    public IReadOnlyList<string> OutputNames { get; init; } = [];

    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    public int? PadTokenId { get; init; }

    public GenerationDefaults Generation { get; init; } = new();

    /// <summary>The ONNX Runtime GenAI config beside the model (null in exports made before it was written).</summary>
    public string? GenAiConfigFile { get; init; }

    /// <summary>Tokenizer files copied beside the model (empty when the source had none).</summary>
    public IReadOnlyList<string> TokenizerFiles { get; init; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ExportManifest FromJson(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("format_version", out var version) || version.ValueKind != JsonValueKind.Number)
            {
                throw new Qwen3OnnxException($"{source}: missing required field 'format_version'; not a qwen3-onnx manifest");
            }

            if (version.GetInt32() != CurrentFormatVersion)
            {
                throw new Qwen3OnnxException(
                    $"{source}: manifest format_version {version.GetInt32()} is not supported by this qwen3-onnx (expects {CurrentFormatVersion}); re-export the model");
            }

            var manifest = JsonSerializer.Deserialize<ExportManifest>(json, JsonOptions)
                ?? throw new Qwen3OnnxException($"{source}: empty manifest");
            if (manifest.Graph is not ("portable" or "fused"))
            {
                throw new Qwen3OnnxException($"{source}: manifest field 'graph' is '{manifest.Graph}'; expected portable or fused");
            }

            return manifest;
        }
        catch (JsonException ex)
        {
            throw new Qwen3OnnxException($"{source}: malformed manifest JSON ({ex.Message})", ex);
        }
    }

    /// <summary>Reads <c>qwen3-onnx.json</c> from an export folder; errors name the folder or file.</summary>
    public static ExportManifest ReadFolder(string folder)
    {
        if (File.Exists(folder))
        {
            throw new Qwen3OnnxException($"{folder}: is a file; give the export folder that holds {FileName} (written by 'qwen3-onnx export')");
        }

        if (!Directory.Exists(folder))
        {
            throw new Qwen3OnnxException($"{folder}: export folder not found");
        }

        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new Qwen3OnnxException($"{path}: manifest not found; is this a folder written by 'qwen3-onnx export'?");
        }

        var manifest = FromJson(File.ReadAllText(path), path);
        string model = Path.Combine(folder, manifest.ModelFile);
        if (!File.Exists(model))
        {
            throw new Qwen3OnnxException($"{model}: model file named by the manifest is missing");
        }

        if (manifest.ExternalDataFile is { } data && !File.Exists(Path.Combine(folder, data)))
        {
            throw new Qwen3OnnxException($"{Path.Combine(folder, data)}: external data file named by the manifest is missing");
        }

        return manifest;
    }
}
