using System.CommandLine;
using Qwen3Onnx.Cli;

var root = new RootCommand("qwen3-onnx: export Qwen3 checkpoints to ONNX and run them with ONNX Runtime");
foreach (var command in CliCommands.All())
{
    root.Subcommands.Add(command);
}

// SIGINT/SIGTERM cancel the command's token; give an export time to stop within its current tensor and delete its
// staging folder before the process is ended (System.CommandLine's default is 2 s).
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
