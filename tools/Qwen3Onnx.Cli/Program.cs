using System.CommandLine;
using Qwen3Onnx.Cli;

var root = new RootCommand("qwen3-onnx: export Qwen3 checkpoints to ONNX and run them with ONNX Runtime");
foreach (var command in CliCommands.All())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
