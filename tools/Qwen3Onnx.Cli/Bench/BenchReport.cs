using System.Globalization;
using Spectre.Console;

namespace Qwen3Onnx.Cli.Bench;

/// <summary>Prints a bench result as a table for people, then as one JSON line for scripts (always the last line).</summary>
public static class BenchReport
{
    public static void Write(BenchResult result, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        console.Write(Table(result));
        output.WriteLine(result.ToJsonLine());
    }

    private static Table Table(BenchResult r)
    {
        var table = new Table()
            .Title(Markup.Escape($"{r.Model} {r.DType} ({r.KvDType} activations) {r.Graph} on {r.ExecutionProvider}{(r.FixedKvCache ? ", fixed KV" : "")}{(r.CudaGraph ? ", CUDA graph" : "")}{(r.Constraint is { } c ? $", under {c}" : "")}, batch {r.Batch}, {r.PromptTokens} prompt + {r.NewTokens} new tokens, median of {r.Reps}"))
            .AddColumn("measure")
            .AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("prefill tok/s", Number(r.PrefillTokensPerSecond, "F1"));
        table.AddRow("decode tok/s", Number(r.DecodeTokensPerSecond, "F2"));
        table.AddRow("time to first token (ms)", Number(r.TimeToFirstTokenMs, "F1"));
        table.AddRow("host overhead / step (µs)", Number(r.HostOverheadUsPerStep, "F0"));
        table.AddRow("sampling / token (µs)", Number(r.SamplingUsPerToken, "F1"));
        table.AddRow(r.PeakRssAfterReset ? "peak RSS (MiB)" : "peak RSS incl. export (MiB)", Number(r.PeakRssMib, "F0"));
        if (r.GpuMemoryMib is double gpu)
        {
            table.AddRow(r.GpuMemoryScope == "process" ? "peak GPU memory (MiB)" : "peak GPU memory, device-wide delta (MiB)", Number(gpu, "F0"));
        }

        table.AddRow("model size (MiB)", Number(r.ModelBytes / (1024.0 * 1024.0), "F1"));
        table.AddRow("weights read / token", Number(r.ParametersReadPerToken, "N0"));
        if (r.ProfileFile is { } profile)
        {
            table.AddRow("profile", Markup.Escape(profile));
        }

        return table;
    }

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
