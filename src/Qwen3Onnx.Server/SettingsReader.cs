using System.Text.Json;
using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Server;

/// <summary>
/// Reads the fields chat and text completions share: model, n, max tokens (at most what the context leaves), stop, stream
/// and sampling (OpenAI's plus the top_k / min_p / repetition_penalty extensions) over the model's defaults.
/// </summary>
internal static class SettingsReader
{
    public static void RequireModel(JsonElement root, ServedModel model)
    {
        string name = RequestFields.String(root, "model") ?? throw ApiException.BadField("model", "'model' is required");
        if (name != model.Name)
        {
            throw ApiException.UnknownModel(name, model.Name);
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

        string limitField = RequestFields.Field(root, "max_completion_tokens") is null ? "max_tokens" : "max_completion_tokens";
        long? requested = RequestFields.Integer(root, limitField, 1, int.MaxValue);
        if (requested > room)
        {
            // As OpenAI and vLLM do: a limit the context cannot hold is refused, not quietly lowered.
            throw new ApiException(
                400,
                $"{limitField} is {requested}, but the prompt takes {prompt.Length} of the model's context of {model.ContextLength} tokens, leaving {room}",
                limitField,
                code: "context_length_exceeded");
        }

        return new GenerationSettings
        {
            Prompt = prompt,
            Sampling = Sampling(root, model.DefaultSampling),
            MaxTokens = (int)(requested ?? room),
            Stops = RequestFields.Stops(root),
            Stream = RequestFields.Bool(root, "stream") ?? false,
            IncludeUsage = RequestFields.Field(root, "stream_options") is { ValueKind: JsonValueKind.Object } streamOptions
                && (RequestFields.Bool(streamOptions, "include_usage") ?? false),
        };
    }

    /// <summary>Fields are type-checked here; their bounds are <see cref="SamplingRequest"/>'s, shared with the CLI.</summary>
    private static SamplingOptions Sampling(JsonElement root, SamplingOptions defaults)
    {
        var request = new SamplingRequest
        {
            Temperature = Number(root, "temperature"),
            TopK = RequestFields.Integer(root, "top_k", long.MinValue, long.MaxValue),
            TopP = Number(root, "top_p"),
            MinP = Number(root, "min_p"),
            RepetitionPenalty = Number(root, "repetition_penalty"),
            PresencePenalty = Number(root, "presence_penalty"),
            FrequencyPenalty = Number(root, "frequency_penalty"),
            Seed = RequestFields.Integer(root, "seed", long.MinValue, long.MaxValue) is { } seed ? unchecked((ulong)seed) : null,
        };
        try
        {
            return request.ApplyTo(defaults);
        }
        catch (SamplingRequestException ex)
        {
            throw new ApiException(400, ex.Message, ex.Field, code: "invalid_value");
        }
    }

    private static double? Number(JsonElement root, string name) => RequestFields.Number(root, name, double.MinValue, double.MaxValue);
}
