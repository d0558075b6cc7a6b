using System.CommandLine;

namespace Qwen3Onnx.Cli;

/// <summary>The subcommands of <c>qwen3-onnx</c>; each lives in its own file as a thin layer over the libraries.</summary>
internal static class CliCommands
{
    public static IEnumerable<Command> All()
    {
        yield return ExportCommand.Create();
        yield return TokenizeCommand.Create();
        yield return DownloadCommand.Create();
        yield return ServeCommand.Create();
        yield return RunCommand.Create();
        yield return BenchCommand.Create();
    }
}
