using System.Diagnostics;

namespace Qwen3Onnx.Cli.Tests;

/// <summary>SIGINT or SIGTERM in the middle of an export: the shell's exit code, one line, and nothing left on disk.</summary>
[TestClass]
public sealed class ExportInterruptTests
{
    [TestMethod]
    [DataRow("INT", 130)]
    [DataRow("TERM", 143)]
    public async Task ASignalMidExportDeletesTheStagingFolderAndWritesNothing(string signal, int expectedExitCode)
    {
        string root = Directory.CreateTempSubdirectory("qwen3onnx-cli-interrupt-").FullName;
        try
        {
            string output = Path.Combine(root, "model");
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "qwen3-onnx.dll"), "export", "--model", "0.6B", "--synthetic-weights", "--out", output })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("layers 2/", StringComparison.Ordinal))
            {
            }

            Assert.IsNotNull(line, "the export ended before its third layer");
            using (var kill = Process.Start("kill", ["-s", signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            _ = process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);

            Assert.AreEqual(expectedExitCode, process.ExitCode, await stderr);
            string[] lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.HasCount(1, lines, await stderr);
            StringAssert.StartsWith(lines[0], "error: export interrupted");
            Assert.IsEmpty(Directory.GetFileSystemEntries(root), "neither the output nor a staging folder may remain");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
