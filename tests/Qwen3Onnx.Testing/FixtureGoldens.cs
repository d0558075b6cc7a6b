using System.Text.Json;

namespace Qwen3Onnx.Testing;

/// <summary>
/// The greedy continuations in a fixture's <c>expected.json</c> (HF transformers, float32): the shared fixtures'
/// cases and left-padded batch, or the single case of a generated fixture such as <c>tests/fixtures/tiny-qwen3-yarn</c>.
/// </summary>
public sealed record FixtureGoldens(IReadOnlyList<FixtureGoldens.Case> Cases, IReadOnlyList<int[]> BatchPrompts, IReadOnlyList<int[]> BatchGreedyNewIds)
{
    /// <summary>A fixture of <c>../shared/fixtures/models</c>.</summary>
    public static FixtureGoldens Load(string model) => LoadFrom(SharedFixtures.Model(model));

    public static FixtureGoldens LoadFrom(string folder)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "expected.json")));
        var root = document.RootElement;
        if (!root.TryGetProperty("cases", out var cases))
        {
            return new FixtureGoldens([Read(root)], [], []);
        }

        var batch = root.GetProperty("batched_left_padded");
        var prompts = batch.GetProperty("input_ids").EnumerateArray().Zip(batch.GetProperty("attention_mask").EnumerateArray())
            .Select(row => Ints(row.First).Zip(Ints(row.Second)).Where(pair => pair.Second == 1).Select(pair => pair.First).ToArray())
            .ToList();
        return new FixtureGoldens([.. cases.EnumerateArray().Select(Read)], prompts, batch.GetProperty("greedy_new_ids").EnumerateArray().Select(Ints).ToList());
    }

    private static Case Read(JsonElement c) => new(Ints(c.GetProperty("prompt_ids")), Ints(c.GetProperty("greedy_new_ids")));

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    public sealed record Case(int[] PromptIds, int[] GreedyNewIds);
}
