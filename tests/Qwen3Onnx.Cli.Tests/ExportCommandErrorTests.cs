using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Cli.Tests;

/// <summary>
/// Bad input to <c>qwen3-onnx export</c>: each case exits non-zero with one <c>error:</c> line naming the
/// file, tensor or field, and leaves no output folder (and no staging folder) behind.
/// </summary>
[TestClass]
public sealed class ExportCommandErrorTests
{
    private static readonly string Fixture = SharedFixtures.Model("tiny-qwen3");
    private string _root = "";

    [TestInitialize]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("qwen3onnx-cli-export-").FullName;

    [TestCleanup]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    [TestMethod]
    public void TruncatedSafetensorsFile() =>
        AssertFails(CheckpointWith(raw: [1, 2, 3, 4]), "model.safetensors", "truncated");

    [TestMethod]
    public void HeaderLengthPastEndOfFile() =>
        AssertFails(CheckpointWith(raw: HeaderLength(10_000).Concat(Encoding.UTF8.GetBytes("{}")).ToArray()), "model.safetensors", "past the end");

    [TestMethod]
    public void MalformedHeaderJson() =>
        AssertFails(CheckpointWith(raw: Safetensors("{\"a\": [", [])), "model.safetensors", "malformed");

    [TestMethod]
    public void OutOfRangeDataOffsets() =>
        AssertFails(CheckpointWith(raw: Safetensors("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", new byte[8])), "'w'", "out of range");

    [TestMethod]
    public void OverlappingDataOffsets() =>
        AssertFails(
            CheckpointWith(raw: Safetensors("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", new byte[12])),
            "'a'", "overlapping");

    [TestMethod]
    public void UnknownDType() =>
        AssertFails(CheckpointWith(raw: Safetensors("""{"w":{"dtype":"I8","shape":[4],"data_offsets":[0,4]}}""", new byte[4])), "'w'", "'I8'");

    [TestMethod]
    public void MissingTensor() =>
        AssertFails(CheckpointWith(drop: "model.layers.1.self_attn.k_norm.weight"), "model.layers.1.self_attn.k_norm.weight", "missing");

    [TestMethod]
    public void TensorShapeDisagreesWithConfig() =>
        AssertFails(CheckpointWith(reshape: "model.layers.0.mlp.up_proj.weight"), "model.layers.0.mlp.up_proj.weight", "implies");

    [TestMethod]
    public void UnsupportedModelType() =>
        AssertFails(CheckpointWith(configEdit: c => c["model_type"] = "llama"), "config.json", "model_type");

    [TestMethod]
    public void MissingConfigField() =>
        AssertFails(CheckpointWith(configEdit: c => c.Remove("hidden_size")), "config.json", "hidden_size");

    [TestMethod]
    public void OutputFolderNotWritable()
    {
        string blocker = Path.Combine(_root, "not-a-folder");
        File.WriteAllText(blocker, "a file where the output's parent folder should be");
        string output = Path.Combine(blocker, "export");

        var (exitCode, _, stderr) = Export("--model", Fixture, "--out", output);

        AssertOneErrorLine(exitCode, stderr, "not-a-folder");
        Assert.IsFalse(Directory.Exists(output));
    }

    /// <summary>Offline, so a bad --model can never reach for the network.</summary>
    private static (int ExitCode, string StdOut, string StdErr) Export(params string[] arguments) =>
        CliProcess.RunAsync(new Dictionary<string, string> { ["HF_HUB_OFFLINE"] = "1" }, ["export", .. arguments]).GetAwaiter().GetResult();

    [TestMethod]
    public void OutNamingAFileFailsBeforeTheModelIsEvenLookedUp()
    {
        string file = Path.Combine(_root, "report.pdf");
        File.WriteAllText(file, "the user's");

        var (exitCode, _, stderr) = Export("--model", "Qwen/Qwen3-235B-A22B", "--out", file);

        AssertOneErrorLine(exitCode, stderr, "report.pdf", "names a file");
        Assert.AreEqual("the user's", File.ReadAllText(file));
    }

    [TestMethod]
    public void ANonEmptyFolderThatIsNotAnExportIsRefusedAndKeepsItsFiles()
    {
        string folder = Path.Combine(_root, "documents");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "thesis.tex"), "years of work");

        var (exitCode, _, stderr) = Export("--model", Fixture, "--out", folder);

        AssertOneErrorLine(exitCode, stderr, "documents", "not an earlier qwen3-onnx export", "--force");
        CollectionAssert.AreEqual(new[] { "thesis.tex" }, Directory.GetFiles(folder).Select(Path.GetFileName).ToArray());
        CollectionAssert.AreEquivalent(new[] { folder }, Directory.GetDirectories(_root), "no staging folder may be left behind");
    }

    private void AssertFails(string checkpoint, params string[] mentions)
    {
        string output = Path.Combine(_root, "out");

        var (exitCode, _, stderr) = Export("--model", checkpoint, "--out", output);

        AssertOneErrorLine(exitCode, stderr, mentions);
        Assert.IsFalse(Directory.Exists(output), "no output folder may be left behind");
        CollectionAssert.AreEquivalent(new[] { checkpoint }, Directory.GetDirectories(_root), "no staging folder may be left behind");
    }

    private static void AssertOneErrorLine(int exitCode, string stderr, params string[] mentions)
    {
        Assert.AreEqual(1, exitCode, stderr);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, stderr);
        StringAssert.StartsWith(lines[0], "error: ");
        foreach (string mention in mentions)
        {
            StringAssert.Contains(lines[0], mention);
        }
    }

    /// <summary>A copy of the tiny fixture's config with valid synthetic weights, or with one defect.</summary>
    private string CheckpointWith(byte[]? raw = null, string? drop = null, string? reshape = null, Action<JsonObject>? configEdit = null)
    {
        string folder = Path.Combine(_root, "checkpoint");
        Directory.CreateDirectory(folder);
        var configJson = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixture, "config.json")))!.AsObject();
        configEdit?.Invoke(configJson);
        File.WriteAllText(Path.Combine(folder, "config.json"), configJson.ToJsonString());
        string weights = Path.Combine(folder, Checkpoint.SingleFileName);
        if (raw is not null)
        {
            File.WriteAllBytes(weights, raw);
            return folder;
        }

        var config = Qwen3ConfigReader.ReadFile(Path.Combine(Fixture, "config.json"));
        var tensors = Qwen3WeightNames.Expected(config)
            .Where(t => t.Name != drop)
            .Select(t => new TensorInfo(t.Name, TensorDType.Float32, t.Name == reshape ? [t.Shape[0] + 1, t.Shape[1]] : t.Shape))
            .Select(info => (info, new float[info.ElementCount]));
        SafetensorsWriter.WriteFile(weights, tensors);
        return folder;
    }

    private static byte[] Safetensors(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        return [.. HeaderLength(json.Length), .. json, .. data];
    }

    private static byte[] HeaderLength(long length)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, length);
        return bytes;
    }
}
