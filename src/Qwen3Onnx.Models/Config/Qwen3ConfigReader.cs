using System.Text.Json;

namespace Qwen3Onnx.Models.Config;

/// <summary>
/// Reads HF <c>config.json</c> (both the <c>rope_scaling</c> and the newer <c>rope_parameters</c> form)
/// into a validated <see cref="Qwen3Config"/>. Errors are one line naming the file and field.
/// </summary>
public static class Qwen3ConfigReader
{
    private const int DefaultHeadDim = 128;

    public static Qwen3Config ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            throw new Qwen3OnnxException($"{path}: config.json not found");
        }
        catch (DirectoryNotFoundException)
        {
            throw new Qwen3OnnxException($"{path}: config.json not found");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Qwen3OnnxException($"{path}: cannot read config ({ex.Message})", ex);
        }

        return Parse(text, path);
    }

    public static Qwen3Config Parse(string json, string source = "config.json")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new Qwen3OnnxException($"{source}: malformed JSON ({ex.Message})", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new Qwen3OnnxException($"{source}: expected a JSON object at the top level");
            }

            var fields = new Fields(root, source);
            string modelType = fields.String("model_type") ?? throw fields.Missing("model_type");
            if (modelType is not (Qwen3Config.DenseModelType or Qwen3Config.MoeModelType))
            {
                throw new Qwen3OnnxException(
                    $"{source}: unsupported model_type '{modelType}' (expected '{Qwen3Config.DenseModelType}' or '{Qwen3Config.MoeModelType}')");
            }

            bool moe = modelType == Qwen3Config.MoeModelType;
            int hidden = fields.RequiredInt("hidden_size");
            int heads = fields.RequiredInt("num_attention_heads");
            var mlpOnlyLayers = fields.IntList("mlp_only_layers") ?? [];
            int numExperts = moe ? fields.RequiredInt("num_experts") : 0;
            int layers = fields.RequiredInt("num_hidden_layers");
            int sparseStep = fields.Int("decoder_sparse_step") ?? 1;
            bool needsDenseMlp = !moe || Enumerable.Range(0, layers).Any(l => mlpOnlyLayers.Contains(l) || sparseStep <= 0 || (l + 1) % sparseStep != 0);

            var (ropeTheta, ropeScaling) = ReadRope(fields, root, source);
            var config = new Qwen3Config
            {
                ModelType = modelType,
                VocabSize = fields.RequiredInt("vocab_size"),
                HiddenSize = hidden,
                IntermediateSize = needsDenseMlp ? fields.RequiredInt("intermediate_size") : fields.Int("intermediate_size") ?? 0,
                NumHiddenLayers = layers,
                NumAttentionHeads = heads,
                NumKeyValueHeads = fields.Int("num_key_value_heads") ?? heads,
                // HF's Qwen3Config defaults head_dim to 128, not hidden_size / heads as older Qwen did.
                HeadDim = fields.Int("head_dim") ?? DefaultHeadDim,
                RmsNormEps = fields.Double("rms_norm_eps") ?? 1e-6,
                RopeTheta = ropeTheta,
                RopeScaling = ropeScaling,
                MaxPositionEmbeddings = fields.Int("max_position_embeddings") ?? 32768,
                TieWordEmbeddings = fields.Bool("tie_word_embeddings") ?? false,
                NumExperts = numExperts,
                NumExpertsPerTok = moe ? fields.RequiredInt("num_experts_per_tok") : 0,
                MoeIntermediateSize = moe ? fields.RequiredInt("moe_intermediate_size") : 0,
                NormTopkProb = fields.Bool("norm_topk_prob") ?? false,
                DecoderSparseStep = sparseStep,
                MlpOnlyLayers = mlpOnlyLayers,
                BosTokenId = fields.Int("bos_token_id"),
                EosTokenIds = fields.IntOrIntList("eos_token_id") ?? [],
                TorchDtype = fields.String("torch_dtype") ?? fields.String("dtype"),
            };
            return config.Validate(source);
        }
    }

    private static (double Theta, RopeScaling Scaling) ReadRope(Fields fields, JsonElement root, string source)
    {
        double theta = fields.Double("rope_theta") ?? 10000.0;
        JsonElement scaling = default;
        string scalingField = "rope_scaling";
        if (RopeObject(root, "rope_parameters", source) is { } parameters)
        {
            scaling = parameters;
            scalingField = "rope_parameters";
        }
        else if (RopeObject(root, "rope_scaling", source) is { } legacy)
        {
            scaling = legacy;
        }

        if (scaling.ValueKind != JsonValueKind.Object)
        {
            return (theta, RopeScaling.Default);
        }

        var rope = new Fields(scaling, $"{source}: {scalingField}");
        theta = rope.Double("rope_theta") ?? theta;
        string type = rope.String("rope_type") ?? rope.String("type") ?? "default";
        if (type is not ("default" or "yarn" or "linear" or "dynamic"))
        {
            throw new Qwen3OnnxException($"{source}: field '{scalingField}.rope_type' has unsupported value '{type}' (supported: default, yarn, linear, dynamic)");
        }

        // Transformers derives a missing YaRN factor from the enlarged context over the pretraining one.
        double factor = rope.Double("factor")
            ?? (type == "yarn" && rope.Int("original_max_position_embeddings") is int original && fields.Int("max_position_embeddings") is int max
                ? (double)max / original
                : 1.0);
        if (type != "default" && factor <= 0)
        {
            throw new Qwen3OnnxException($"{source}: field '{scalingField}.factor' must be positive (got {factor})");
        }

        return (theta, new RopeScaling
        {
            Type = type,
            Factor = factor,
            OriginalMaxPositionEmbeddings = rope.Int("original_max_position_embeddings"),
            AttentionFactor = rope.Double("attention_factor"),
            BetaFast = rope.Double("beta_fast"),
            BetaSlow = rope.Double("beta_slow"),
            Mscale = rope.Double("mscale"),
            MscaleAllDim = rope.Double("mscale_all_dim"),
            Truncate = rope.Bool("truncate") ?? true,
        });
    }

    /// <summary>The rope object under <paramref name="name"/>; null when absent or JSON null, an error for any other kind.</summary>
    private static JsonElement? RopeObject(JsonElement root, string name, string source)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object
            ? value
            : throw new Qwen3OnnxException($"{source}: field '{name}' must be an object or null (got {value.ValueKind})");
    }

    /// <summary>Typed access to one JSON object with errors that name the field.</summary>
    private readonly struct Fields(JsonElement obj, string source)
    {
        public Qwen3OnnxException Missing(string name) => new($"{source}: missing required field '{name}'");

        public int RequiredInt(string name) => Int(name) ?? throw Missing(name);

        public int? Int(string name)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int i))
            {
                return i;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double d) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue)
            {
                return (int)d;
            }

            throw Wrong(name, "an integer", value);
        }

        public double? Double(string name)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw Wrong(name, "a number", value);
        }

        public bool? Bool(string name)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Wrong(name, "true or false", value),
            };
        }

        public string? String(string name)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Wrong(name, "a string", value);
        }

        public IReadOnlyList<int>? IntList(string name)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                throw Wrong(name, "a list of integers", value);
            }

            var list = new List<int>();
            foreach (var item in value.EnumerateArray())
            {
                list.Add(item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out int i) ? i : throw Wrong(name, "a list of integers", value));
            }

            return list;
        }

        public IReadOnlyList<int>? IntOrIntList(string name)
        {
            if (TryGet(name, out var value) && value.ValueKind == JsonValueKind.Number)
            {
                return [Int(name)!.Value];
            }

            return IntList(name);
        }

        private bool TryGet(string name, out JsonElement value) =>
            obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

        private Qwen3OnnxException Wrong(string name, string expected, JsonElement value) =>
            new($"{source}: field '{name}' must be {expected} (got {Describe(value)})");

        private static string Describe(JsonElement value)
        {
            string raw = value.GetRawText();
            return raw.Length > 40 ? raw[..40] + "…" : raw;
        }
    }
}
