using Microsoft.Extensions.AI;
using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Runtime.Chat;

/// <summary>
/// <see cref="ChatOptions"/> → <see cref="GenerationOptions"/> over the model's defaults. Setting temperature, top-p,
/// top-k, min-p or a seed asks for sampling even when the export's defaults are greedy (bounds: <see cref="SamplingRequest"/>). Extra keys in
/// <see cref="ChatOptions.AdditionalProperties"/>: <c>min_p</c>, <c>repetition_penalty</c>, <c>enable_thinking</c>.
/// </summary>
internal static class ChatOptionsMapping
{
    public const string MinPKey = "min_p";
    public const string RepetitionPenaltyKey = "repetition_penalty";
    public const string EnableThinkingKey = "enable_thinking";

    public static GenerationOptions ToGenerationOptions(ChatOptions? options, SamplingOptions defaults)
    {
        var generation = new GenerationOptions { Sampling = defaults };
        if (options is null)
        {
            return generation;
        }

        RefuseUnsupported(options);
        var extra = options.AdditionalProperties;
        float? minP = extra is not null && extra.TryGetValue(MinPKey, out float min) ? min : null;
        float? repetition = extra is not null && extra.TryGetValue(RepetitionPenaltyKey, out float penalty) ? penalty : null;
        bool thinking = extra is null || !extra.TryGetValue(EnableThinkingKey, out bool enable) || enable;
        var sampling = new SamplingRequest
        {
            Temperature = options.Temperature,
            TopP = options.TopP,
            TopK = options.TopK,
            MinP = minP,
            Seed = options.Seed is long seed ? unchecked((ulong)seed) : null,
            PresencePenalty = options.PresencePenalty,
            FrequencyPenalty = options.FrequencyPenalty,
            RepetitionPenalty = repetition,
        }.ApplyTo(defaults);
        return generation with
        {
            Sampling = sampling,
            MaxNewTokens = options.MaxOutputTokens ?? generation.MaxNewTokens,
            StopStrings = [.. options.StopSequences ?? []],
            EnableThinking = thinking,
        };
    }

    /// <summary>What the client cannot honour yet is refused rather than ignored (a JSON mode that is not JSON, a forced tool call that never comes).</summary>
    private static void RefuseUnsupported(ChatOptions options)
    {
        if (options.ResponseFormat is not null and not ChatResponseFormatText)
        {
            throw new NotSupportedException("ChatOptions.ResponseFormat: only text is supported; JSON modes need constrained decoding, which Qwen3ChatClient does not do yet");
        }

        if (options.ToolMode is not null and not AutoChatToolMode)
        {
            throw new NotSupportedException("ChatOptions.ToolMode: only Auto is supported; None, RequireAny and a required function need constrained decoding, which Qwen3ChatClient does not do yet");
        }

        if (options.AllowMultipleToolCalls == false)
        {
            throw new NotSupportedException("ChatOptions.AllowMultipleToolCalls = false is not supported: the model may call several tools in one turn");
        }
    }
}
