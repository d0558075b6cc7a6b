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
    // System.CommandLine's own handler prints the whole stack trace; ours prints one line unless --verbose.
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception ex)
{
    return CliErrors.Unexpected(ex, parse.GetValue(CliErrors.Verbose), Console.Error);
}
