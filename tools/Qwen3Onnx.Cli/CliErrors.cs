using System.CommandLine;
using System.Reflection;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Cli;

/// <summary>Turns failures into one <c>error: message</c> line on stderr and exit code 1; the stack trace only with --verbose.</summary>
internal static class CliErrors
{
    public static Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "on an unexpected failure, print the full exception with its stack trace",
        Recursive = true,
    };

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
        (error ?? Console.Error).WriteLine($"error: {OneLine(exception.Message)}");
        return 1;
    }

    /// <summary>
    /// Any exception a command let through: the operating system's and ONNX Runtime's say what went wrong in their
    /// message (a full disk, a missing permission, a kernel the provider lacks), so that message is the line; other
    /// types are bugs of ours and say so.
    /// </summary>
    public static int Unexpected(Exception exception, bool verbose, TextWriter error)
    {
        var inner = Unwrap(exception);
        if (verbose)
        {
            error.WriteLine(exception.ToString());
        }

        string line = inner switch
        {
            Qwen3OnnxException => OneLine(inner.Message),
            OperationCanceledException => "cancelled",
            IOException or UnauthorizedAccessException => OneLine(inner.Message),
            OutOfMemoryException or InsufficientExecutionStackException => $"out of memory ({OneLine(inner.Message)})",
            _ when inner.GetType().FullName == "Microsoft.ML.OnnxRuntime.OnnxRuntimeException" => $"ONNX Runtime: {OneLine(inner.Message)}",
            _ => $"internal error ({inner.GetType().Name}: {OneLine(inner.Message)})" + (verbose ? "" : "; rerun with --verbose for the stack trace"),
        };
        error.WriteLine($"error: {line}");
        return 1;
    }

    private static Exception Unwrap(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        TypeInitializationException { InnerException: { } inner } => Unwrap(inner),
        _ => exception,
    };

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
