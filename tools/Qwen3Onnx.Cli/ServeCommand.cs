using System.CommandLine;
using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Session;
using Qwen3Onnx.Server;

namespace Qwen3Onnx.Cli;

/// <summary>
/// <c>qwen3-onnx serve --model DIR [--host 127.0.0.1] [--port 8080] [--max-batch N] [--max-queue N] [--api-key KEY]
/// [--shutdown-timeout S]</c>: an OpenAI-compatible HTTP server over one export, until SIGTERM or Ctrl+C, after which it
/// drains (see <see cref="Qwen3Server.ShutdownAsync"/>) and exits 0.
/// </summary>
internal static class ServeCommand
{
    private static readonly Option<string> Model = new("--model") { Description = "Export folder (qwen3-onnx.json, model.onnx, tokenizer.json)", Required = true };
    private static readonly Option<string> Host = new("--host") { Description = "Address to bind (loopback unless told otherwise)", DefaultValueFactory = _ => "127.0.0.1" };
    private static readonly Option<int> Port = new("--port") { Description = "TCP port (0 picks a free one)", DefaultValueFactory = _ => 8080 };
    private static readonly Option<int> MaxBatch = new("--max-batch") { Description = "Requests decoded together in one batch", DefaultValueFactory = _ => 8 };
    private static readonly Option<int> MaxQueue = new("--max-queue") { Description = "Requests waiting beyond the batch before 429", DefaultValueFactory = _ => 64 };
    private static readonly Option<string?> ApiKey = new("--api-key") { Description = "Require 'Authorization: Bearer KEY' (default: $QWEN3ONNX_API_KEY, else none)" };
    private static readonly Option<string?> Name = new("--served-model-name") { Description = "The model name clients pass (default: the folder's name)" };
    private static readonly Option<string> Template = ChatTemplateOption.Create();
    private static readonly Option<string> Ep = new("--ep") { Description = "Execution provider: cpu, cuda or dml", DefaultValueFactory = _ => "cpu" };
    private static readonly Option<string?> EpLibrary = new("--ep-library") { Description = "Plugin execution provider library to register" };
    private static readonly Option<int> Threads = new("--threads") { Description = "Intra-op threads (0: ONNX Runtime picks)", DefaultValueFactory = _ => 0 };
    private static readonly Option<double> ShutdownTimeout = new("--shutdown-timeout")
    {
        Description = "Seconds that running requests get to finish after SIGTERM/Ctrl+C before they end with an error",
        DefaultValueFactory = _ => 10,
    };

    public static Command Create()
    {
        var command = new Command("serve", "Serve an export over an OpenAI-compatible HTTP API (chat/completions, completions, models)");
        foreach (var option in new Option[] { Model, Host, Port, MaxBatch, MaxQueue, ApiKey, Name, Template, Ep, EpLibrary, Threads, ShutdownTimeout })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellation) => RunAsync(parse, cancellation));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation)
    {
        try
        {
            var options = Options(parse);
            using var signals = new TerminationSignals();
            await using var server = await Qwen3Server.StartAsync(options, cancellation);
            Console.Out.WriteLine($"serving '{server.ModelName}' on {server.BaseAddress} (max batch {options.MaxBatch}, queue {options.MaxQueue}, {options.Session.ExecutionProvider.ToString().ToLowerInvariant()}{(options.ApiKey is null ? "" : ", API key required")})");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, signals.Token);
            await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            Console.Out.WriteLine($"shutting down: new requests get 503; running ones have {options.ShutdownTimeout.TotalSeconds:0.#} s to finish");
            await server.ShutdownAsync();
            return 0;
        }
        catch (Qwen3OnnxException ex)
        {
            return CliErrors.Report(ex);
        }
    }

    private static ServerOptions Options(ParseResult parse) => new()
    {
        ModelFolder = parse.GetValue(Model)!,
        Host = parse.GetValue(Host)!,
        Port = parse.GetValue(Port),
        MaxBatch = parse.GetValue(MaxBatch),
        MaxQueue = parse.GetValue(MaxQueue),
        ApiKey = parse.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable("QWEN3ONNX_API_KEY"),
        ModelName = parse.GetValue(Name),
        ShutdownTimeout = ServerOptions.ShutdownTimeoutOf(parse.GetValue(ShutdownTimeout)),
        ChatTemplate = ChatTemplateOption.Parse("serve", parse.GetValue(Template)!),
        Session = SessionSettings.Parse(parse.GetValue(Ep)!, parse.GetValue(EpLibrary)) with { IntraOpThreads = parse.GetValue(Threads) },
    };
}
