using Microsoft.Extensions.AI;
using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Runtime.Chat;

/// <summary>
/// <see cref="ChatOptions"/> → <see cref="GenerationOptions"/> over the model's defaults. Setting temperature, top-p,
/// top-k, min-p or a seed asks for sampling even when the export's defaults are greedy. Extra keys in
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

        var extra = options.AdditionalProperties;
        float? minP = extra is not null && extra.TryGetValue(MinPKey, out float min) ? min : null;
        float? repetition = extra is not null && extra.TryGetValue(RepetitionPenaltyKey, out float penalty) ? penalty : null;
        bool thinking = extra is null || !extra.TryGetValue(EnableThinkingKey, out bool enable) || enable;
        bool sample = options.Temperature > 0 || options.TopP is not null || options.TopK > 1 || minP > 0 || options.Seed is not null;
        var sampling = defaults with
        {
            Greedy = defaults.Greedy && !sample,
            Temperature = options.Temperature ?? defaults.Temperature,
            TopP = options.TopP ?? defaults.TopP,
            TopK = options.TopK ?? defaults.TopK,
            MinP = minP ?? defaults.MinP,
            Seed = options.Seed is long seed ? unchecked((ulong)seed) : defaults.Seed,
            PresencePenalty = options.PresencePenalty ?? defaults.PresencePenalty,
            FrequencyPenalty = options.FrequencyPenalty ?? defaults.FrequencyPenalty,
            RepetitionPenalty = repetition ?? defaults.RepetitionPenalty,
        };
        return generation with
        {
            Sampling = sampling,
            MaxNewTokens = options.MaxOutputTokens ?? generation.MaxNewTokens,
            StopStrings = [.. options.StopSequences ?? []],
            EnableThinking = thinking,
        };
    }
}
