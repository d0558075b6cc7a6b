using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qwen3Onnx.Reference.Tests;

/// <summary>A fixture model's <c>expected.json</c>: HF transformers' float32 outputs for a few prompts.</summary>
public sealed record ModelGoldens(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("cases")] IReadOnlyList<GoldenCase> Cases,
    [property: JsonPropertyName("batched_left_padded")] BatchedGolden BatchedLeftPadded)
{
    public static ModelGoldens Read(string modelFolder) =>
        JsonSerializer.Deserialize<ModelGoldens>(File.ReadAllText(Path.Combine(modelFolder, "expected.json")))
        ?? throw new InvalidDataException($"{modelFolder}: empty expected.json");
}

/// <summary>One prompt: full-prompt logits [seq, vocab], then 16 greedy steps and the logits [16, vocab] each was chosen from.</summary>
public sealed record GoldenCase(
    [property: JsonPropertyName("prompt_ids")] long[] PromptIds,
    [property: JsonPropertyName("logits")] float[][] Logits,
    [property: JsonPropertyName("greedy_new_ids")] long[] GreedyNewIds,
    [property: JsonPropertyName("greedy_step_logits")] float[][] GreedyStepLogits);

/// <summary>Three prompts left-padded into one batch, with the greedy continuation of each.</summary>
public sealed record BatchedGolden(
    [property: JsonPropertyName("pad_id")] long PadId,
    [property: JsonPropertyName("input_ids")] long[][] InputIds,
    [property: JsonPropertyName("attention_mask")] long[][] AttentionMask,
    [property: JsonPropertyName("greedy_new_ids")] long[][] GreedyNewIds);
