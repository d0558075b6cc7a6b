using Microsoft.ML.OnnxRuntimeGenAI;

namespace Qwen3Onnx.GenAi.Tests;

/// <summary>Greedy search in ONNX Runtime GenAI's own loop, over an export folder exactly as the exporter wrote it.</summary>
internal static class GenAiGreedy
{
    /// <summary>The new ids of each prompt; a row that reached an end-of-sequence id stops there.</summary>
    public static int[][] Generate(string folder, IReadOnlyList<int[]> prompts, int newTokens)
    {
        using var model = new Model(folder);
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("do_sample", false);
        parameters.SetSearchOption("batch_size", prompts.Count);
        parameters.SetSearchOption("max_length", prompts.Max(p => p.Length) + newTokens);
        using var generator = new Generator(model, parameters);
        using (var sequences = GenAiSequences.Of(prompts))
        {
            generator.AppendTokenSequences(sequences);
        }

        var rows = prompts.Select(_ => new List<int>()).ToArray();
        var done = new bool[prompts.Count];
        var stops = StopIds(folder);
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
            var next = generator.GetNextTokens();
            for (int row = 0; row < rows.Length; row++)
            {
                if (!done[row])
                {
                    rows[row].Add(next[row]);
                    done[row] = stops.Contains(next[row]);
                }
            }
        }

        return [.. rows.Select(r => r.ToArray())];
    }

    /// <summary>The ids GenAI ends a sequence at: its eos ids, or with none its pad id.</summary>
    public static HashSet<int> StopIds(string folder)
    {
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "genai_config.json")));
        var model = config.RootElement.GetProperty("model");
        HashSet<int> eos = [.. model.GetProperty("eos_token_id").EnumerateArray().Select(e => e.GetInt32())];
        return eos.Count > 0 ? eos : [model.TryGetProperty("pad_token_id", out var pad) ? pad.GetInt32() : 0];
    }

    /// <summary>A reference continuation cut after its first stop id, where GenAI ends the sequence.</summary>
    public static int[] UpToStop(IEnumerable<int> ids, HashSet<int> stops)
    {
        var kept = new List<int>();
        foreach (int id in ids)
        {
            kept.Add(id);
            if (stops.Contains(id))
            {
                break;
            }
        }

        return [.. kept];
    }
}
