using System.Diagnostics;
using Qwen3Onnx.Runtime.Generation;

namespace Qwen3Onnx.Runtime.Text;

/// <summary>
/// Runs a job's prompts as one request on the engine and a <see cref="RowDecoder"/> per row until every row is done;
/// a row a stop string ended is cancelled at once, so it does not hold the batch.
/// </summary>
internal static class GenerationLoop
{
    public static GenerationResult[] Run(GenerationJob job, CancellationToken cancellation)
    {
        var rows = job.Prompts.Select(_ => new RowDecoder(job.Tokenizer, job.Options.StopStrings, tools: job.Options.Tools)).ToArray();
        var request = job.Engine.Submit(EngineRequest.For(new GenerationRequest { Prompts = job.Prompts, MaxNewTokens = job.Options.MaxNewTokens, Sampling = job.Sampling }));
        var deltas = new List<TextDelta>();
        var clock = Stopwatch.StartNew();
        TimeSpan? firstToken = null;
        foreach (var token in request.ReadTokens(cancellation))
        {
            firstToken ??= clock.Elapsed;
            var decoder = rows[token.Row];
            decoder.Accept(token, deltas);
            Publish(deltas, job.Sink);
            if (rows.All(row => row.Done))
            {
                break;
            }

            if (decoder.Done && token.Finish is null)
            {
                request.Cancel(token.Row);
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
