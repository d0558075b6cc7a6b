using System.Text.Json;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Gpu.Tests;

/// <summary>A fixture's <c>expected.json</c> (HF transformers, float32): prompt logits, greedy continuations and their margins.</summary>
internal sealed record Goldens(IReadOnlyList<Goldens.Case> Cases, IReadOnlyList<int[]> BatchPrompts, IReadOnlyList<int[]> BatchGreedyNewIds)
{
    public static Goldens Load(string model)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(SharedFixtures.Model(model), "expected.json")));
        var root = document.RootElement;
        var cases = root.GetProperty("cases").EnumerateArray().Select(c => new Case(
            Ints(c.GetProperty("prompt_ids")),
            [.. c.GetProperty("logits").EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetSingle()).ToArray())],
            Ints(c.GetProperty("greedy_new_ids")),
            c.GetProperty("min_top1_margin").GetDouble())).ToList();
        var batch = root.GetProperty("batched_left_padded");
        var prompts = batch.GetProperty("input_ids").EnumerateArray().Zip(batch.GetProperty("attention_mask").EnumerateArray())
            .Select(row => Ints(row.First).Zip(Ints(row.Second)).Where(pair => pair.Second == 1).Select(pair => pair.First).ToArray())
            .ToList();
        return new Goldens(cases, prompts, [.. batch.GetProperty("greedy_new_ids").EnumerateArray().Select(Ints)]);
    }

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    /// <summary>One prompt: logits [position][vocab], its 16-token greedy continuation and the smallest top-1 margin along it.</summary>
    public sealed record Case(int[] PromptIds, float[][] Logits, int[] GreedyNewIds, double MinTop1Margin);
}
