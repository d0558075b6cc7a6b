using Qwen3Onnx.Models;

namespace Qwen3Onnx.Cli;

/// <summary>Turns user-facing failures into <c>error: message</c> on stderr and exit code 1.</summary>
internal static class CliErrors
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Qwen3OnnxException ex)
        {
            return Report(ex);
        }
    }

    /// <summary>Prints the one-line <c>error: message</c> (to <paramref name="error"/> or stderr) and returns exit code 1.</summary>
    public static int Report(Qwen3OnnxException exception, TextWriter? error = null)
    {
        (error ?? Console.Error).WriteLine($"error: {exception.Message}");
        return 1;
    }
}
