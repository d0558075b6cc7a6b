using System.Text.Json;
using Microsoft.Extensions.AI;
using Qwen3Onnx.Runtime.Constraints;
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

    /// <summary><see cref="ChatOptions.ToolMode"/>, <see cref="ChatOptions.AllowMultipleToolCalls"/> and <see cref="ChatOptions.ResponseFormat"/> as the answer's constraints.</summary>
    public static AnswerConstraints ToAnswerConstraints(ChatOptions? options)
    {
        var constraints = new AnswerConstraints { ParallelToolCalls = options?.AllowMultipleToolCalls ?? true };
        constraints = options?.ToolMode switch
        {
            null or AutoChatToolMode => constraints,
            NoneChatToolMode => constraints with { ToolChoice = ToolChoice.None },
            RequiredChatToolMode { RequiredFunctionName: null } => constraints with { ToolChoice = ToolChoice.Required },
            RequiredChatToolMode required => constraints with { ToolChoice = ToolChoice.Function, FunctionName = required.RequiredFunctionName },
            var other => throw new NotSupportedException($"ChatOptions.ToolMode: {other.GetType().Name} is not a mode Qwen3ChatClient knows"),
        };
        return options?.ResponseFormat switch
        {
            null or ChatResponseFormatText => constraints,
            ChatResponseFormatJson { Schema: null } => constraints with { Json = true },
            ChatResponseFormatJson json => constraints with { Json = true, JsonSchema = json.Schema, JsonSchemaName = json.SchemaName },
            var other => throw new NotSupportedException($"ChatOptions.ResponseFormat: {other.GetType().Name} is not a format Qwen3ChatClient knows"),
        };
    }
}
