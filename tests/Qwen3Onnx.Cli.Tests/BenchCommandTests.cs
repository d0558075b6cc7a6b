using System.CommandLine;
using System.Text.Json;
using Qwen3Onnx.Cli;
using Qwen3Onnx.Export;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Cli.Tests;

[TestClass]
public sealed class BenchCommandTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"qwen3onnx-bench-tests-{Environment.ProcessId}");
    private static readonly Lazy<string> TinyExport = new(() => ExportTiny(Path.Combine(Root, "tiny-qwen3-fp32")));

    private static readonly string[] TimingKeys =
        ["prefill_tok_s", "decode_tok_s", "ttft_ms", "host_overhead_us_per_step", "sampling_us_per_token", "peak_rss_mib", "model_bytes", "parameters_read_per_token"];

    [ClassCleanup]
    public static void DeleteExports()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    [TestMethod]
    public void BenchOfATinyExportEndsWithAJsonLineOfPositiveMeasurements()
    {
        var (exitCode, output, error) = Invoke("--model", TinyExport.Value, "--prompt-tokens", "8", "--new-tokens", "4", "--reps", "1", "--threads", "1");

        Assert.AreEqual(0, exitCode, error);
        using var json = JsonDocument.Parse(LastLine(output));
        var root = json.RootElement;
        foreach (string key in TimingKeys)
        {
            Assert.IsGreaterThan(0.0, root.GetProperty(key).GetDouble(), key);
        }

        Assert.AreEqual("fp32", root.GetProperty("dtype").GetString());
        Assert.AreEqual("portable", root.GetProperty("graph").GetString());
        Assert.AreEqual(4, root.GetProperty("new_tokens").GetInt32());
        Assert.AreEqual(1, root.GetProperty("reps").GetInt32());
        // GPU memory is a CUDA reading; a CPU run reports none rather than a number of some other device.
        Assert.AreEqual(JsonValueKind.Null, root.GetProperty("gpu_memory_mib").ValueKind);
    }

    [TestMethod]
    public void TheJsonFileHoldsThePrintedLine()
    {
        string jsonFile = Path.Combine(Root, $"{Guid.NewGuid():N}.json");

        var (exitCode, output, error) = Invoke("--model", TinyExport.Value, "--new-tokens", "2", "--reps", "1", "--warmup", "0", "--batch", "2", "--json", jsonFile);

        Assert.AreEqual(0, exitCode, error);
        Assert.AreEqual(LastLine(output), File.ReadAllText(jsonFile).TrimEnd());
    }

    [TestMethod]
    public void AnUnknownPresetIsOneErrorLineAndExitCode1()
    {
        var (exitCode, output, error) = Invoke("--model", "7B", "--synthetic-weights");

        Assert.AreEqual(1, exitCode);
        Assert.AreEqual("", output);
        StringAssert.StartsWith(error, "error: --model '7B' is neither an export folder nor a preset name");
        Assert.AreEqual(1, error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [TestMethod]
    public void ZeroNewTokensIsAnError()
    {
        var (exitCode, _, error) = Invoke("--model", "0.6B", "--synthetic-weights", "--new-tokens", "0");

        Assert.AreEqual(1, exitCode);
        Assert.AreEqual($"error: --new-tokens must be at least 1 (got 0){Environment.NewLine}", error);
    }

    [TestMethod]
    public void APresetWithoutSyntheticWeightsIsAnError()
    {
        var (exitCode, _, error) = Invoke("--model", "0.6B");

        Assert.AreEqual(1, exitCode);
        StringAssert.StartsWith(error, "error: --model '0.6B' is a preset: add --synthetic-weights");
    }

    [TestMethod]
    public void AWorkloadLongerThanTheExportsContextIsAnError()
    {
        var (exitCode, _, error) = Invoke("--model", TinyExport.Value, "--prompt-tokens", "40", "--new-tokens", "40", "--reps", "1");

        Assert.AreEqual(1, exitCode);
        StringAssert.Contains(error, "exceed the export's context of 64");
    }

    [TestMethod]
    public void CudaGraphOnTheCpuIsOneErrorLine()
    {
        var (exitCode, _, error) = Invoke("--model", TinyExport.Value, "--prompt-tokens", "4", "--new-tokens", "4", "--reps", "1", "--cuda-graph");

        Assert.AreEqual(1, exitCode);
        StringAssert.Contains(error, "CUDA graph capture needs the CUDA execution provider");
        Assert.AreEqual(1, error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private static string ExportTiny(string output)
    {
        Qwen3Exporter.Export(new ExportOptions { SourceFolder = SharedFixtures.Model("tiny-qwen3"), OutputFolder = output, MaxSequenceLength = 64 });
        return output;
    }

    private static string LastLine(string output) => output.TrimEnd().Split('\n')[^1].TrimEnd('\r');

    private static (int ExitCode, string Output, string Error) Invoke(params string[] arguments)
    {
        var root = new RootCommand { BenchCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = root.Parse(["bench", .. arguments]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
