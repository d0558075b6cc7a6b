using System.Diagnostics;

namespace Qwen3Onnx.Testing;

/// <summary>
/// Runs the built <c>qwen3-onnx</c> (copied beside the test assembly by its project reference) as its own process,
/// so exit codes and stderr are the real ones. Hugging Face variables are cleared and replaced by the given environment.
/// </summary>
public static class CliProcess
{
    private static readonly string[] HubVariables =
        ["HF_ENDPOINT", "HF_TOKEN", "HF_TOKEN_PATH", "HF_HOME", "HF_HUB_CACHE", "HF_HUB_OFFLINE", "XDG_CACHE_HOME"];

    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(
        IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        using var process = Start(environment, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the CLI with its output redirected and its input closed, for tests that act while it runs.</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "qwen3-onnx.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string variable in HubVariables)
        {
            start.Environment.Remove(variable);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return process;
    }

    /// <summary>Sends a signal (<c>INT</c>, <c>TERM</c>, <c>KILL</c>) the way a shell or a supervisor would.</summary>
    public static async Task SignalAsync(Process process, string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }
}
