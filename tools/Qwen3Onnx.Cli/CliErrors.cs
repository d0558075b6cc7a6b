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
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }
}
