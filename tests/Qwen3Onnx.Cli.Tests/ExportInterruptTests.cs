using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Cli.Tests;

/// <summary>
/// SIGINT or SIGTERM in the middle of an export: the shell's exit code, one line, and nothing left on disk; after a
/// SIGKILL, the next export to the same place reclaims what the dead one left.
/// </summary>
[TestClass]
public sealed class ExportInterruptTests
{
    /// <summary>
    /// Long enough (about half a minute, a few hundred MB written by layer 2) that the signal always lands mid-export,
    /// even on a loaded machine; 0.6B once finished before the signal arrived.
    /// </summary>
    private const string SlowPreset = "1.7B";

    [TestMethod]
    [DataRow("INT", 130)]
    [DataRow("TERM", 143)]
    public async Task ASignalMidExportDeletesTheStagingFolderAndWritesNothing(string signal, int expectedExitCode)
    {
        string root = Directory.CreateTempSubdirectory("qwen3onnx-cli-interrupt-").FullName;
        try
        {
            string output = Path.Combine(root, "model");
            using var process = CliProcess.Start(new Dictionary<string, string>(), "export", "--model", SlowPreset, "--synthetic-weights", "--dtype", "fp16", "--out", output);
            var stderr = process.StandardError.ReadToEndAsync();
            await WaitForLayerAsync(process, 2);
            await CliProcess.SignalAsync(process, signal);
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

    [TestMethod]
    public async Task AfterSigkillTheNextExportToTheSamePlaceReclaimsTheStagingFolder()
    {
        string root = Directory.CreateTempSubdirectory("qwen3onnx-cli-kill-").FullName;
        try
        {
            string output = Path.Combine(root, "model");
            using (var process = CliProcess.Start(new Dictionary<string, string>(), "export", "--model", SlowPreset, "--synthetic-weights", "--dtype", "fp16", "--out", output))
            {
                _ = process.StandardError.ReadToEndAsync();
                await WaitForLayerAsync(process, 2);
                await CliProcess.SignalAsync(process, "KILL");
                await process.WaitForExitAsync();
            }

            string[] left = Directory.GetFileSystemEntries(root);
            Assert.HasCount(1, left, "a killed export cannot clean up; its staging folder should be what is left");
            StringAssert.StartsWith(Path.GetFileName(left[0]), ".model.partial-");

            var (exitCode, _, stderr) = await CliProcess.RunAsync(new Dictionary<string, string>(), "export", "--model", SharedFixtures.Model("tiny-qwen3"), "--out", output);

            Assert.AreEqual(0, exitCode, stderr);
            CollectionAssert.AreEqual(new[] { output }, Directory.GetFileSystemEntries(root), "the dead export's staging folder was not reclaimed");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task WaitForLayerAsync(System.Diagnostics.Process process, int layer)
    {
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith($"layers {layer}/", StringComparison.Ordinal))
        {
        }

        Assert.IsNotNull(line, $"the export ended before layer {layer}");
        _ = process.StandardOutput.ReadToEndAsync();
    }
}
