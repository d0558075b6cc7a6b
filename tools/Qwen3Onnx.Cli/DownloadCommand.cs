using System.CommandLine;
using Qwen3Onnx.Hub;
using Qwen3Onnx.Models;
using Spectre.Console;

namespace Qwen3Onnx.Cli;

/// <summary><c>qwen3-onnx download --model 4B [--revision main]</c>: finds or fetches a checkpoint and prints its folder.</summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "A short Qwen3 name (0.6B, 4B, 30B-A3B-Instruct-2507, …), an org/name hub repo id, or a local folder",
            Required = true,
        };
        var revision = new Option<string>("--revision")
        {
            Description = "Branch, tag or commit on the hub",
            DefaultValueFactory = _ => HubModelResolver.DefaultRevision,
        };
        var command = new Command("download", "Find a checkpoint in the Hugging Face cache or download it there; prints the snapshot folder");
        command.Options.Add(model);
        command.Options.Add(revision);
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(model)!, parse.GetValue(revision)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string model, string revision, CancellationToken cancellationToken)
    {
        using var signals = new TerminationSignals();
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, signals.Token);
        try
        {
            using var resolver = new HubModelResolver(HubOptions.FromEnvironment());
            string folder = await ResolveWithProgressAsync(resolver, model, revision, interrupted.Token);
            Console.Out.WriteLine(folder);
            return 0;
        }
        catch (Qwen3OnnxException ex)
        {
            return CliErrors.Report(ex);
        }
        catch (OperationCanceledException) when (signals.Received)
        {
            Console.Error.WriteLine($"error: download of {model} interrupted");
            return signals.ExitCode;
        }
    }

    internal static Task<string> ResolveWithProgressAsync(
        HubModelResolver resolver, string model, string revision, CancellationToken cancellationToken)
    {
        // Progress goes to stderr so that stdout carries only the folder, for scripts.
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (!console.Profile.Capabilities.Interactive)
        {
            return resolver.ResolveAsync(model, revision, null, cancellationToken);
        }

        return console.Progress()
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new DownloadedColumn(),
                new TransferSpeedColumn(),
                new RemainingTimeColumn())
            .StartAsync(context => resolver.ResolveAsync(model, revision, new FileProgress(context), cancellationToken));
    }

    /// <summary>One progress bar per file, created on its first report.</summary>
    private sealed class FileProgress(ProgressContext context) : IProgress<HubDownloadProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];

        public void Report(HubDownloadProgress value)
        {
            lock (_tasks)
            {
                if (!_tasks.TryGetValue(value.File, out var task))
                {
                    task = context.AddTask(Markup.Escape(value.File), maxValue: value.TotalBytes);
                    _tasks.Add(value.File, task);
                }

                task.Value = Math.Max(task.Value, value.BytesDownloaded);
            }
        }
    }
}
