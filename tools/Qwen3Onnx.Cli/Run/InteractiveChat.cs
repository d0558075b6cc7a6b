using Qwen3Onnx.Runtime;
using Qwen3Onnx.Runtime.Chat;

namespace Qwen3Onnx.Cli;

/// <summary>
/// The chat loop of <c>qwen3-onnx run</c> without a prompt: lines from stdin, answers streamed, <c>/reset</c>,
/// <c>/think</c>, <c>/no_think</c>, <c>/exit</c>. Ctrl+C stops the answer being generated, not the program.
/// </summary>
internal static class InteractiveChat
{
    public static int Run(ChatSession chat, TextWriter output, TextWriter error)
    {
        error.WriteLine("chat: type a message; /reset clears the history, /think and /no_think switch thinking, /exit quits; Ctrl+C stops an answer");
        CancellationTokenSource? answering = null;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            answering?.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            while (Prompt(output) is { } line)
            {
                if (!Command(line.Trim(), chat, error, out bool exit))
                {
                    using var cancellation = new CancellationTokenSource();
                    answering = cancellation;
                    Answer(chat, line, output, error, cancellation.Token);
                    answering = null;
                }
                else if (exit)
                {
                    break;
                }
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        return 0;
    }

    private static string? Prompt(TextWriter output)
    {
        output.Write("> ");
        output.Flush();
        return Console.In.ReadLine();
    }

    /// <summary>True when <paramref name="line"/> was a command (or empty) rather than a message.</summary>
    private static bool Command(string line, ChatSession chat, TextWriter error, out bool exit)
    {
        exit = line is "/exit" or "/quit";
        switch (line)
        {
            case "/reset":
                chat.Reset();
                error.WriteLine("(history cleared)");
                return true;
            case "/think" or "/no_think":
                chat.Options = chat.Options with { EnableThinking = line == "/think" };
                error.WriteLine(line == "/think" ? "(thinking on)" : "(thinking off)");
                return true;
            default:
                return exit || line.Length == 0;
        }
    }

    private static void Answer(ChatSession chat, string line, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var printer = new AnswerPrinter(output);
        try
        {
            foreach (var delta in chat.SendStreamingAsync(line, cancellation).ToBlockingEnumerable(cancellation))
            {
                printer.Write(delta);
                if (delta.Result is { } result)
                {
                    output.WriteLine();
                    RunCommand.PrintStats(result.Usage, error);
                }
            }
        }
        catch (OperationCanceledException)
        {
            output.WriteLine();
            error.WriteLine("(stopped)");
        }
    }
}
