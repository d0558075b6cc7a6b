using System.Text.Json;
using System.Text.Json.Nodes;
using Qwen3Onnx.Models.Package;

namespace Qwen3Onnx.Export.Package;

/// <summary>
/// <c>genai_config.json</c>: what ONNX Runtime GenAI needs to load an export folder as it is. Everything comes from the
/// manifest, so the names GenAI binds are the names the graph has. What GenAI cannot take (ids outside the
/// vocabulary, which it refuses; min_p, which its search lacks) is left out with a warning rather than written wrong.
/// </summary>
internal static class GenAiConfig
{
    public const string FileName = "genai_config.json";

    /// <summary>GenAI's default search length, and with a shared buffer the key/value cache it allocates up front.</summary>
    public const int DefaultMaxLength = 4096;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static GenAiConfigFile For(ExportManifest manifest)
    {
        var warnings = new List<string>();
        var config = manifest.Config;
        int vocab = config.VocabSize;
        bool InVocabulary(int id) => id >= 0 && id < vocab;

        var eos = manifest.EosTokenIds.Where(InVocabulary).ToList();
        var dropped = manifest.EosTokenIds.Where(id => !InVocabulary(id)).ToList();
        string left = dropped.Count == 0 ? "" : $" (eos_token_id {string.Join(", ", dropped)} left out, as GenAI refuses ids outside it)";
        int? pad = manifest.PadTokenId is { } given && InVocabulary(given) ? given : eos.Count > 0 ? eos[0] : null;
        if (eos.Count == 0)
        {
            // GenAI has no "never stop": with no end id it ends a sequence at its pad id (0 unless set), so say which.
            pad ??= 0;
            warnings.Add($"{FileName}: no end-of-sequence id lies inside the vocabulary ({vocab}){left}; GenAI then ends a sequence at "
                + $"its pad id, so pad_token_id {pad} is written and GenAI stops when it generates id {pad}");
        }
        else if (dropped.Count > 0)
        {
            warnings.Add($"{FileName}: eos_token_id {string.Join(", ", dropped)} outside the vocabulary ({vocab}) left out, as GenAI refuses them");
        }

        int? bos = (manifest.Generation.BosTokenId ?? config.BosTokenId) is { } b && InVocabulary(b) ? b : null;

        var model = new JsonObject
        {
            ["type"] = "qwen3",
            ["vocab_size"] = vocab,
            ["context_length"] = manifest.MaxSequenceLength,
        };
        if (bos is { } bosId)
        {
            model["bos_token_id"] = bosId;
        }

        model["eos_token_id"] = new JsonArray([.. eos.Select(id => (JsonNode)id)]);
        if (pad is { } padId)
        {
            model["pad_token_id"] = padId;
        }

        model["decoder"] = Decoder(manifest, warnings);
        var root = new JsonObject { ["model"] = model, ["search"] = Search(manifest, warnings) };
        return new GenAiConfigFile(root.ToJsonString(Indented), warnings);
    }

    private static JsonObject Decoder(ExportManifest manifest, List<string> warnings)
    {
        var config = manifest.Config;
        int layers = config.NumHiddenLayers;
        RequireNames(manifest);
        var providers = new JsonArray();
        if (manifest.KvDType == "bfloat16")
        {
            // bfloat16 activations have no CPU kernels in ONNX Runtime; the CUDA provider is the only one that runs them.
            providers.Add(new JsonObject { ["cuda"] = new JsonObject() });
            warnings.Add($"{FileName}: bfloat16 activations have no ONNX Runtime CPU kernels, so the config names the CUDA provider; under GenAI this export runs on CUDA only");
        }

        return new JsonObject
        {
            ["filename"] = manifest.ModelFile,
            ["session_options"] = new JsonObject { ["log_id"] = "onnxruntime-genai", ["provider_options"] = providers },
            ["head_size"] = config.HeadDim,
            ["hidden_size"] = config.HiddenSize,
            ["num_attention_heads"] = config.NumAttentionHeads,
            ["num_key_value_heads"] = config.NumKeyValueHeads,
            ["num_hidden_layers"] = layers,
            ["inputs"] = new JsonObject
            {
                ["input_ids"] = GraphIoNames.InputIds,
                ["attention_mask"] = GraphIoNames.AttentionMask,
                ["position_ids"] = GraphIoNames.PositionIds,
                ["past_key_names"] = GraphIoNames.PastKeyPattern,
                ["past_value_names"] = GraphIoNames.PastValuePattern,
            },
            ["outputs"] = new JsonObject
            {
                ["logits"] = GraphIoNames.Logits,
                ["present_key_names"] = GraphIoNames.PresentKeyPattern,
                ["present_value_names"] = GraphIoNames.PresentValuePattern,
            },
        };
    }

    private static JsonObject Search(ExportManifest manifest, List<string> warnings)
    {
        var generation = manifest.Generation;
        var search = new JsonObject
        {
            ["max_length"] = Math.Min(manifest.MaxSequenceLength, DefaultMaxLength),
            ["min_length"] = 0,
            ["num_beams"] = 1,
            ["num_return_sequences"] = 1,

            // The portable graph concatenates past and new keys, so its present outputs grow each step; only the fused
            // graph's GroupQueryAttention writes into one preallocated buffer (GenAI's fast path).
            ["past_present_share_buffer"] = manifest.GraphKind == ExportGraph.Fused,
            ["do_sample"] = generation.DoSample ?? false,
            ["temperature"] = generation.Temperature ?? 1.0,
            ["top_k"] = generation.TopK ?? 50,
            ["top_p"] = generation.TopP ?? 1.0,
            ["repetition_penalty"] = generation.RepetitionPenalty ?? 1.0,
        };
        if (generation.MinP is > 0 and var minP)
        {
            warnings.Add($"{FileName}: GenAI's search has no min_p; generation_config.json's min_p {minP} left out");
        }

        return search;
    }

    /// <summary>GenAI binds names by pattern; the manifest's names must be exactly those patterns' expansions.</summary>
    private static void RequireNames(ExportManifest manifest)
    {
        int layers = manifest.Config.NumHiddenLayers;
        if (!manifest.InputNames.SequenceEqual(GraphIoNames.Inputs(layers)) || !manifest.OutputNames.SequenceEqual(GraphIoNames.Outputs(layers)))
        {
            throw new InvalidOperationException($"the manifest's graph names differ from {nameof(GraphIoNames)}; {FileName} would bind the wrong tensors");
        }
    }
}
