using System.Diagnostics;
using Qwen3Onnx.Runtime.Generation;

namespace Qwen3Onnx.Runtime.Text;

/// <summary>Drives <see cref="TokenGenerator"/> and a <see cref="RowDecoder"/> per row until every row is done.</summary>
internal static class GenerationLoop
{
    public static GenerationResult[] Run(GenerationJob job, CancellationToken cancellation)
    {
        var generator = new TokenGenerator(job.Session);
        var rows = job.Prompts.Select(_ => new RowDecoder(job.Tokenizer, job.Options.StopStrings)).ToArray();
        var request = new GenerationRequest { Prompts = job.Prompts, MaxNewTokens = job.Options.MaxNewTokens, Sampling = job.Sampling };
        var deltas = new List<TextDelta>();
        var clock = Stopwatch.StartNew();
        TimeSpan? firstToken = null;
        foreach (var token in generator.Generate(request, cancellation))
        {
            firstToken ??= clock.Elapsed;
            rows[token.Row].Accept(token, deltas);
            Publish(deltas, job.Sink);
            if (rows.All(row => row.Done))
            {
                break;
            }
        }

        var elapsed = clock.Elapsed;
        return [.. rows.Select((row, index) => row.ToResult(
            new GenerationUsage(job.Prompts[index].Count, row.TokenCount, firstToken ?? elapsed, elapsed)))];
    }

    private static void Publish(List<TextDelta> deltas, Action<TextDelta>? sink)
    {
        if (sink is not null)
        {
            foreach (var delta in deltas)
            {
                sink(delta);
            }
        }

        deltas.Clear();
    }
}
