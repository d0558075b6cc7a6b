using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests;

[TestClass]
public sealed class ExportPackageTests
{
    [TestMethod]
    public void ManifestRecordsConfigDtypeNamesStopIdsAndGenerationDefaults()
    {
        string folder = ExportedFixtures.Folder("tiny-qwen3-moe", ExportDType.Fp16);

        var manifest = ExportManifest.ReadFolder(folder);

        Assert.AreEqual("qwen3_moe", manifest.Config.ModelType);
        Assert.AreEqual("fp16", manifest.DType);
        Assert.AreEqual("float16", manifest.KvDType);
        Assert.AreEqual("portable", manifest.Graph);
        Assert.IsNull(manifest.ExternalDataFile);
        Assert.AreEqual(256, manifest.MaxSequenceLength);
        CollectionAssert.AreEqual(GraphIoNames.Inputs(2).ToList(), manifest.InputNames.ToList());
        CollectionAssert.AreEqual(GraphIoNames.Outputs(2).ToList(), manifest.OutputNames.ToList());
        CollectionAssert.AreEqual(new[] { 151645, 151643 }, manifest.EosTokenIds.ToList());
        Assert.AreEqual(0.6, manifest.Generation.Temperature);
        Assert.AreEqual(20, manifest.Generation.TopK);
        CollectionAssert.AreEqual(new[] { "generation_config.json" }, manifest.TokenizerFiles.ToList());
        Assert.IsTrue(File.Exists(Path.Combine(folder, "generation_config.json")));
        Assert.IsFalse(File.Exists(Path.Combine(folder, Qwen3Exporter.DataFileName)));
    }

    [TestMethod]
    public void MaxSequenceLengthOptionSizesTheRotaryTables()
    {
        string output = ExportedFixtures.TempFolder("maxlen");

        Qwen3Exporter.Export(new ExportOptions { SourceFolder = SharedFixtures.Model("tiny-qwen3"), OutputFolder = output, MaxSequenceLength = 64 });

        Assert.AreEqual(64, ExportManifest.ReadFolder(output).MaxSequenceLength);
        CollectionAssert.AreEqual(new long[] { 64, 16 }, OnnxModels.Initializer(OnnxModels.Read(output), "rotary.cos_cache").Dims.ToArray());
    }

    [TestMethod]
    public void GraphsOverTheInlineLimitKeepWeightsInAnAlignedDataFile()
    {
        string output = ExportedFixtures.TempFolder("external");
        var expected = ExpectedFixture.Load("tiny-qwen3-untied-sharded").Cases[1];

        var summary = Qwen3Exporter.Export(new ExportOptions
        {
            SourceFolder = SharedFixtures.Model("tiny-qwen3-untied-sharded"),
            OutputFolder = output,
            InlineWeightLimit = 0,
        });

        Assert.IsTrue(summary.ExternalData);
        Assert.AreEqual(Qwen3Exporter.DataFileName, ExportManifest.ReadFolder(output).ExternalDataFile);
        var offsets = OnnxModels.Read(output).Graph.Initializer
            .Where(i => i.ExternalData.Count > 0)
            .Select(i => long.Parse(i.ExternalData.Single(e => e.Key == "offset").Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.IsNotEmpty(offsets);
        Assert.IsTrue(offsets.All(o => o % 4096 == 0));
        using var runner = new OrtGraphRunner(output);
        var logits = runner.PromptLogits(expected.PromptIds);
        Assert.AreEqual(expected.Logits[^1][7], logits[^1][7], 1e-4);
        Assert.AreEqual(expected.Logits[0][300], logits[0][300], 1e-4);
    }

    [TestMethod]
    public void UnwritableOutputFolderFailsWithOneLineNamingIt()
    {
        string blocker = ExportedFixtures.TempFolder("blocker");
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        File.WriteAllText(blocker, "a file where the output's parent should be");
        string output = Path.Combine(blocker, "model");

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() =>
            Qwen3Exporter.Export(new ExportOptions { SourceFolder = SharedFixtures.Model("tiny-qwen3"), OutputFolder = output }));

        StringAssert.Contains(ex.Message, output);
        Assert.DoesNotContain("\n", ex.Message);
    }

    [TestMethod]
    public void FailedExportLeavesNoOutputOrStagingFolder()
    {
        string source = ExportedFixtures.TempFolder("three-layers");
        Directory.CreateDirectory(source);
        File.Copy(Path.Combine(SharedFixtures.Model("tiny-qwen3"), "model.safetensors"), Path.Combine(source, "model.safetensors"));
        string config = File.ReadAllText(Path.Combine(SharedFixtures.Model("tiny-qwen3"), "config.json"));
        File.WriteAllText(Path.Combine(source, "config.json"), config.Replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3", StringComparison.Ordinal));
        string output = ExportedFixtures.TempFolder("never");

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() =>
            Qwen3Exporter.Export(new ExportOptions { SourceFolder = source, OutputFolder = output }));

        StringAssert.Contains(ex.Message, "model.layers.2.");
        Assert.IsFalse(Directory.Exists(output));
        Assert.IsEmpty(Directory.GetDirectories(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}*"));
    }

    [TestMethod]
    public void PresetWithoutSyntheticWeightsIsRejected()
    {
        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() =>
            Qwen3Exporter.Export(new ExportOptions { Preset = "0.6B", OutputFolder = ExportedFixtures.TempFolder("preset") }));

        StringAssert.Contains(ex.Message, "0.6B");
    }

    [TestMethod]
    public void ExportingAgainRemovesTheEarlierExportsFilesItNoLongerWritesAndNothingElse()
    {
        string source = ExportedFixtures.TempFolder("again-source");
        Directory.CreateDirectory(source);
        foreach (string file in Directory.EnumerateFiles(SharedFixtures.Model("tiny-qwen3")))
        {
            File.Copy(file, Path.Combine(source, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(source, "tokenizer.json"), "{}");
        string output = ExportedFixtures.TempFolder("again");
        Qwen3Exporter.Export(new ExportOptions { SourceFolder = source, OutputFolder = output });
        File.WriteAllText(Path.Combine(output, "notes.txt"), "the user's");
        File.Delete(Path.Combine(source, "tokenizer.json"));

        Qwen3Exporter.Export(new ExportOptions { SourceFolder = source, OutputFolder = output });

        Assert.IsFalse(File.Exists(Path.Combine(output, "tokenizer.json")), "written by the earlier export, not by this one");
        Assert.AreEqual("the user's", File.ReadAllText(Path.Combine(output, "notes.txt")));
        Assert.IsTrue(File.Exists(Path.Combine(output, Qwen3Exporter.ModelFileName)));
    }
}
