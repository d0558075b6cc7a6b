using System.CommandLine;
using Qwen3Onnx.Cli;

var root = new RootCommand("qwen3-onnx: export Qwen3 checkpoints to ONNX and run them with ONNX Runtime");
root.Options.Add(CliErrors.Verbose);
foreach (var command in CliCommands.All())
{
    root.Subcommands.Add(command);
}

var parse = root.Parse(args);
try
{
    // System.CommandLine's own handler prints the whole stack trace; ours prints one line unless --verbose. Its
    // signal handling would end the process 2 s after SIGTERM, cutting a server's drain short; the commands with
    // something to finish on a signal take it themselves (TerminationSignals), the others end at once.
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
}
catch (Exception ex)
{
    return CliErrors.Unexpected(ex, parse.GetValue(CliErrors.Verbose), Console.Error);
}
