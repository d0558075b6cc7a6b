using System.Text.Json;
using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Server;

/// <summary>
/// Reads the fields chat and text completions share: model, n, max tokens (capped by the context), stop, stream
/// and sampling (OpenAI's plus the top_k / min_p / repetition_penalty extensions) over the model's defaults.
/// </summary>
internal static class SettingsReader
{
    public static void RequireModel(JsonElement root, ServedModel model)
    {
        string name = RequestFields.String(root, "model") ?? throw ApiException.BadField("model", "'model' is required");
        if (name != model.Name)
        {
            throw new ApiException(404, $"the model '{name}' does not exist; this server serves '{model.Name}'", "model", code: "model_not_found");
        }

        // Only one choice per request; Integer throws for any other n.
        RequestFields.Integer(root, "n", 1, 1);
    }

    public static GenerationSettings Read(JsonElement root, ServedModel model, int[] prompt)
    {
        if (prompt.Length == 0)
        {
            throw ApiException.BadField("prompt", "the prompt is empty");
        }

        if (prompt.Any(id => (uint)id >= (uint)model.Session.VocabSize))
        {
            throw ApiException.BadField("prompt", $"the prompt has token ids outside the model's vocabulary of {model.Session.VocabSize} (tokenizer and model do not match)");
        }

        int room = model.ContextLength - prompt.Length;
        if (room <= 0)
        {
            throw new ApiException(400, $"the prompt has {prompt.Length} tokens; the model's context is {model.ContextLength}", "messages", code: "context_length_exceeded");
        }

        long? requested = RequestFields.Integer(root, "max_completion_tokens", 1, int.MaxValue) ?? RequestFields.Integer(root, "max_tokens", 1, int.MaxValue);
        return new GenerationSettings
        {
            Prompt = prompt,
            Sampling = Sampling(root, model.DefaultSampling),
            MaxTokens = (int)Math.Min(requested ?? room, room),
            Stops = RequestFields.Stops(root),
            Stream = RequestFields.Bool(root, "stream") ?? false,
            IncludeUsage = RequestFields.Field(root, "stream_options") is { ValueKind: JsonValueKind.Object } streamOptions
                && (RequestFields.Bool(streamOptions, "include_usage") ?? false),
        };
    }

    private static SamplingOptions Sampling(JsonElement root, SamplingOptions defaults)
    {
        double? temperature = RequestFields.Number(root, "temperature", 0, 2);
        long? topK = RequestFields.Integer(root, "top_k", -1, int.MaxValue);
        long? seed = RequestFields.Integer(root, "seed", long.MinValue, long.MaxValue);
        try
        {
            return defaults with
            {
                Greedy = temperature is null ? defaults.Greedy : temperature == 0,
                Temperature = (float)(temperature ?? defaults.Temperature),
                TopP = (float)(RequestFields.Number(root, "top_p", double.Epsilon, 1) ?? defaults.TopP),
                TopK = topK is null ? defaults.TopK : (int)Math.Max(topK.Value, 0),
                MinP = (float)(RequestFields.Number(root, "min_p", 0, 1) ?? defaults.MinP),
                PresencePenalty = (float)(RequestFields.Number(root, "presence_penalty", -2, 2) ?? 0),
                FrequencyPenalty = (float)(RequestFields.Number(root, "frequency_penalty", -2, 2) ?? 0),
                RepetitionPenalty = (float)(RequestFields.Number(root, "repetition_penalty", double.Epsilon, 10) ?? defaults.RepetitionPenalty),
                Seed = seed is { } value ? unchecked((ulong)value) : null,
            };
        }
        catch (Qwen3OnnxException ex)
        {
            throw new ApiException(400, ex.Message, code: "invalid_value");
        }
    }
}
