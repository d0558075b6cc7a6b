using System.Text.Json;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests;

/// <summary>One fixture's goldens from <c>expected.json</c> (HF transformers, float32).</summary>
internal sealed record ExpectedFixture(IReadOnlyList<ExpectedFixture.Case> Cases, ExpectedFixture.Batch Batched)
{
    public static ExpectedFixture Load(string model)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(SharedFixtures.Model(model), "expected.json")));
        var root = document.RootElement;
        var cases = root.GetProperty("cases").EnumerateArray()
            .Select(c => new Case(
                Longs(c.GetProperty("prompt_ids")),
                Matrix(c.GetProperty("logits")),
                Ints(c.GetProperty("greedy_new_ids")),
                Matrix(c.GetProperty("greedy_step_logits"))))
            .ToList();
        var batched = root.GetProperty("batched_left_padded");
        return new ExpectedFixture(cases, new Batch(
            batched.GetProperty("input_ids").EnumerateArray().Select(Longs).ToArray(),
            batched.GetProperty("attention_mask").EnumerateArray().Select(Longs).ToArray(),
            batched.GetProperty("greedy_new_ids").EnumerateArray().Select(Ints).ToArray()));
    }

    private static long[] Longs(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static float[][] Matrix(JsonElement rows) =>
        rows.EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray();

    /// <summary>A single prompt: its logits [seq][vocab], the 16-token greedy continuation and the logits [step][vocab] behind each new token.</summary>
    public sealed record Case(long[] PromptIds, float[][] Logits, int[] GreedyNewIds, float[][] GreedyStepLogits);

    /// <summary>Left-padded prompts decoded together, 12 greedy tokens each.</summary>
    public sealed record Batch(long[][] InputIds, long[][] AttentionMask, int[][] GreedyNewIds);
}
