using System.Text.Json;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Api;

/// <summary>The greedy continuations in a fixture's <c>expected.json</c> (HF transformers, float32).</summary>
internal sealed record FixtureGoldens(IReadOnlyList<FixtureGoldens.Case> Cases, IReadOnlyList<int[]> BatchPrompts, IReadOnlyList<int[]> BatchGreedyNewIds)
{
    public static FixtureGoldens Load(string model)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(SharedFixtures.Model(model), "expected.json")));
        var root = document.RootElement;
        var cases = root.GetProperty("cases").EnumerateArray()
            .Select(c => new Case(Ints(c.GetProperty("prompt_ids")), Ints(c.GetProperty("greedy_new_ids"))))
            .ToList();
        var batch = root.GetProperty("batched_left_padded");
        var prompts = batch.GetProperty("input_ids").EnumerateArray().Zip(batch.GetProperty("attention_mask").EnumerateArray())
            .Select(row => Ints(row.First).Zip(Ints(row.Second)).Where(pair => pair.Second == 1).Select(pair => pair.First).ToArray())
            .ToList();
        return new FixtureGoldens(cases, prompts, batch.GetProperty("greedy_new_ids").EnumerateArray().Select(Ints).ToList());
    }

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    public sealed record Case(int[] PromptIds, int[] GreedyNewIds);
}
