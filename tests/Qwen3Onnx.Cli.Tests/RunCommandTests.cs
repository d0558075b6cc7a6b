using System.CommandLine;
using System.Text.Json;
using Qwen3Onnx.Cli;
using Qwen3Onnx.Export;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Cli.Tests;

[TestClass]
public sealed class RunCommandTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"qwen3onnx-run-tests-{Environment.ProcessId}");

    [ClassInitialize]
    public static void ExportFixtures(TestContext context)
    {
        foreach (string model in SharedFixtures.ModelNames)
        {
            Qwen3Exporter.Export(new ExportOptions { SourceFolder = SharedFixtures.Model(model), OutputFolder = Export(model) });
        }

        // The demo model is built under XDG_CACHE_HOME; keep it out of the user's cache.
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", Path.Combine(Root, "cache"));
    }

    [ClassCleanup]
    public static void DeleteExports()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    [TestMethod]
    [DataRow("tiny-qwen3")]
    [DataRow("tiny-qwen3-untied-sharded")]
    [DataRow("tiny-qwen3-moe")]
    public void GreedyIdsOfEveryFixtureCaseMatchTransformers(string model)
    {
        using var expected = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(SharedFixtures.Model(model), "expected.json")));

        foreach (var testCase in expected.RootElement.GetProperty("cases").EnumerateArray())
        {
            int[] prompt = Ids(testCase.GetProperty("prompt_ids"));
            var (exitCode, output, error) = Invoke("--model", Export(model), "--prompt-ids", string.Join(',', prompt), "--greedy", "--max-new-tokens", "16", "--json");

            Assert.AreEqual(0, exitCode, error);
            using var json = JsonDocument.Parse(output);
            CollectionAssert.AreEqual(Ids(testCase.GetProperty("greedy_new_ids")), Ids(json.RootElement.GetProperty("ids")));
            Assert.AreEqual(prompt.Length, json.RootElement.GetProperty("prompt_tokens").GetInt32());
            Assert.AreEqual(16, json.RootElement.GetProperty("new_tokens").GetInt32());
            Assert.IsFalse(json.RootElement.TryGetProperty("text", out _), "an export without a tokenizer has no text");
            StringAssert.Contains(error, "time to first token");
        }
    }

    [TestMethod]
    public void WithoutAModelTheDemoModelRunsAndSaysItsWeightsAreRandom()
    {
        var (exitCode, output, error) = Invoke("--prompt", "Hello!", "--max-new-tokens", "8", "--seed", "1");

        Assert.AreEqual(0, exitCode, error);
        StringAssert.Contains(error, "Its weights are random");
        StringAssert.Contains(error, "qwen3-onnx export --model <hf folder or name> --out graphs/");
        StringAssert.Contains(error, "tok/s");
        StringAssert.Contains(error, "peak memory");
        Assert.IsTrue(output.EndsWith(Environment.NewLine, StringComparison.Ordinal));
    }

    [TestMethod]
    public void JsonOfAModelWithATokenizerHasTheText()
    {
        var (exitCode, output, error) = Invoke("--prompt-ids", "300,301,302", "--max-new-tokens", "5", "--json", "--seed", "2");

        Assert.AreEqual(0, exitCode, error);
        using var json = JsonDocument.Parse(output);
        CollectionAssert.AreEqual(new[] { "ids", "text", "prompt_tokens", "new_tokens", "tok_per_s" }, json.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual(3, json.RootElement.GetProperty("prompt_tokens").GetInt32());
    }

    [TestMethod]
    public void AMissingExportFolderIsAnError()
    {
        string folder = Path.Combine(Root, "nowhere");

        AssertError($"{folder}: export folder not found", "--model", folder, "--prompt-ids", "1");
    }

    [TestMethod]
    public void AManifestFromAnotherVersionIsAnError()
    {
        string folder = CopyOf("tiny-qwen3");
        string manifest = Path.Combine(folder, "qwen3-onnx.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"format_version\": 1", "\"format_version\": 99", StringComparison.Ordinal));

        AssertError($"{manifest}: manifest format_version 99 is not supported by this qwen3-onnx (expects 1); re-export the model", "--model", folder, "--prompt-ids", "1");
    }

    [TestMethod]
    public void ACorruptModelFileIsAnError()
    {
        string folder = CopyOf("tiny-qwen3");
        File.WriteAllText(Path.Combine(folder, "model.onnx"), "not a model");

        var (exitCode, output, error) = Invoke("--model", folder, "--prompt-ids", "1");

        Assert.AreEqual(1, exitCode);
        Assert.AreEqual("", output);
        StringAssert.StartsWith(error, $"error: {Path.Combine(folder, "model.onnx")}: ONNX Runtime cannot load the model");
        Assert.AreEqual(1, error.Trim().Split('\n').Length);
    }

    [TestMethod]
    public void APromptLongerThanTheContextIsAnError() =>
        AssertError("prompt of 300 tokens does not fit the model's context of 256 tokens",
            "--model", Export("tiny-qwen3"), "--prompt-ids", string.Join(',', Enumerable.Repeat(5, 300)));

    [TestMethod]
    public void AnUnknownExecutionProviderIsAnError() =>
        AssertError("unknown execution provider 'tpu' (expected cpu, cuda or dml)", "--model", Export("tiny-qwen3"), "--prompt-ids", "1", "--ep", "tpu");

    [TestMethod]
    public void MalformedPromptIdsAreAnError() =>
        AssertError("--prompt-ids: 'x' is not a token id (expected comma-separated non-negative integers)", "--model", Export("tiny-qwen3"), "--prompt-ids", "1,x,3");

    [TestMethod]
    public void APromptIdOutsideTheVocabularyIsAnError() =>
        AssertError("prompt token id 512 is outside the model's vocabulary of 512", "--model", Export("tiny-qwen3"), "--prompt-ids", "1,512");

    [TestMethod]
    public void GreedyWithSamplingFlagsIsAnError() =>
        AssertError("run: --greedy does not go with --temperature, --top-k, --top-p, --min-p or --seed",
            "--model", Export("tiny-qwen3"), "--prompt-ids", "1", "--greedy", "--temperature", "0.5");

    [TestMethod]
    public void AnOutOfRangeSamplingValueIsAnError() =>
        AssertError("run: --top-p must be in (0, 1] (got 1.5)", "--model", Export("tiny-qwen3"), "--prompt-ids", "1", "--top-p", "1.5");

    [TestMethod]
    public void ATemperatureTheServerWouldRefuseIsRefusedToo() =>
        AssertError("run: --temperature must be between 0 and 2 (got 1000000000)", "--model", Export("tiny-qwen3"), "--prompt-ids", "1", "--temperature", "1e9");

    [TestMethod]
    public void MaxNewTokensPastTheContextSaysItIsCapped()
    {
        var (exitCode, output, error) = Invoke("--model", Export("tiny-qwen3"), "--prompt-ids", "1,2,3", "--greedy", "--max-new-tokens", "100000000", "--json");

        Assert.AreEqual(0, exitCode, error);
        StringAssert.StartsWith(error, "note: --max-new-tokens 100000000 is capped at 253: the context holds 256 tokens and the prompt takes 3");
        using var json = JsonDocument.Parse(output);
        Assert.AreEqual(253, json.RootElement.GetProperty("new_tokens").GetInt32());
    }

    [TestMethod]
    public void TheDefaultMaxNewTokensIsCappedWithoutANote()
    {
        var (exitCode, _, error) = Invoke("--model", Export("tiny-qwen3"), "--prompt-ids", "1,2,3", "--greedy", "--json");

        Assert.AreEqual(0, exitCode, error);
        Assert.DoesNotContain("note:", error);
    }

    private static void AssertError(string message, params string[] arguments)
    {
        var (exitCode, output, error) = Invoke(arguments);

        Assert.AreEqual(1, exitCode);
        Assert.AreEqual("", output);
        Assert.AreEqual($"error: {message}{Environment.NewLine}", error);
    }

    private static (int ExitCode, string Output, string Error) Invoke(params string[] arguments)
    {
        var root = new RootCommand { RunCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = root.Parse(["run", .. arguments]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private static string Export(string model) => Path.Combine(Root, model);

    private static string CopyOf(string model)
    {
        string copy = Path.Combine(Root, $"{model}-copy-{Guid.NewGuid():N}");
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(Export(model)))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    private static int[] Ids(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];
}
