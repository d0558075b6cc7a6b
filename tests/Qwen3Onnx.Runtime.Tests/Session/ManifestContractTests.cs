using System.Text.Json.Nodes;
using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Runtime.Session;
using Qwen3Onnx.Runtime.Tests.Api;

namespace Qwen3Onnx.Runtime.Tests.Session;

/// <summary>The session takes the graph flavour and the graph's I/O names from the export manifest, and refuses one that does not add up.</summary>
[TestClass]
public sealed class ManifestContractTests
{
    [TestMethod]
    public void AnUnknownGraphFlavourIsRefusedNamingTheManifest()
    {
        string folder = CopyWith(manifest => manifest["graph"] = "turbo");
        try
        {
            var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3Session.Open(folder));

            Assert.AreEqual($"{Path.Combine(folder, ExportManifest.FileName)}: manifest field 'graph' is 'turbo'; expected portable or fused", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void IoNamesThatDoNotFitTheLayerCountAreRefused()
    {
        string folder = CopyWith(manifest => manifest["input_names"]!.AsArray().RemoveAt(3));
        try
        {
            var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3Session.Open(folder));

            StringAssert.Contains(error.Message, ExportManifest.FileName);
            StringAssert.Contains(error.Message, "inputs");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void TheManifestListsTheContractsNames()
    {
        var manifest = ExportManifest.ReadFolder(TestModels.Fixture("tiny-qwen3"));

        CollectionAssert.AreEqual(GraphIoNames.Inputs(manifest.Config.NumHiddenLayers).ToArray(), manifest.InputNames.ToArray());
        CollectionAssert.AreEqual(GraphIoNames.Outputs(manifest.Config.NumHiddenLayers).ToArray(), manifest.OutputNames.ToArray());
        Assert.AreEqual(ExportGraph.Portable, manifest.GraphKind);
    }

    private static string CopyWith(Action<JsonObject> edit)
    {
        string source = TestModels.Fixture("tiny-qwen3");
        string folder = Path.Combine(Path.GetTempPath(), $"qwen3onnx-manifest-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        string path = Path.Combine(folder, ExportManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
        return folder;
    }
}
