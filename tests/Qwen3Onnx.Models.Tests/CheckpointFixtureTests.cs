using System.Text.Json;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Models.Tests;

[TestClass]
public sealed class CheckpointFixtureTests
{
    public static IEnumerable<object[]> Models => SharedFixtures.ModelNames.Select(n => new object[] { n });

    [TestMethod]
    public void CheckpointWhoseFilesAreSymbolicLinksOpensLikeTheHuggingFaceCacheLaysItOut()
    {
        string source = SharedFixtures.Model("tiny-qwen3-untied-sharded");
        string snapshot = Directory.CreateTempSubdirectory("qwen3onnx-links-").FullName;
        try
        {
            foreach (string file in Directory.GetFiles(source))
            {
                File.CreateSymbolicLink(Path.Combine(snapshot, Path.GetFileName(file)), file);
            }

            var config = Qwen3ConfigReader.ReadFile(Path.Combine(snapshot, "config.json"));
            using var linked = Checkpoint.Open(snapshot);
            using var direct = Checkpoint.Open(source);
            Qwen3WeightNames.Validate(config, linked);
            var fromLink = new float[64];
            var fromFile = new float[64];
            linked.ReadFloat32(Qwen3WeightNames.LmHead, 128, fromLink);
            direct.ReadFloat32(Qwen3WeightNames.LmHead, 128, fromFile);
            CollectionAssert.AreEqual(fromFile, fromLink);
        }
        finally
        {
            Directory.Delete(snapshot, recursive: true);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void FixtureOpensAndHoldsEveryExpectedTensorWithTheConfigShape(string model)
    {
        string folder = SharedFixtures.Model(model);
        var config = Qwen3ConfigReader.ReadFile(Path.Combine(folder, "config.json"));
        using var checkpoint = Checkpoint.Open(folder);

        Qwen3WeightNames.Validate(config, checkpoint);

        foreach (var (name, shape) in Qwen3WeightNames.Expected(config))
        {
            CollectionAssert.AreEqual(shape, checkpoint.GetInfo(name).Shape.ToArray(), name);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void FixtureTensorNamesEqualTheGoldenList(string model)
    {
        string folder = SharedFixtures.Model(model);
        using var checkpoint = Checkpoint.Open(folder);

        var expected = GoldenTensorNames(folder);

        CollectionAssert.AreEquivalent(expected, checkpoint.TensorNames.ToList());
        Assert.AreEqual(expected.Count, checkpoint.TensorNames.Count);
    }

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void ExpectedNamesFromConfigEqualTheGoldenList(string model)
    {
        string folder = SharedFixtures.Model(model);
        var config = Qwen3ConfigReader.ReadFile(Path.Combine(folder, "config.json"));

        var expected = GoldenTensorNames(folder);

        CollectionAssert.AreEquivalent(expected, Qwen3WeightNames.Expected(config).Select(t => t.Name).ToList());
    }

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void FixtureTensorsAreStoredInTheGoldenDtype(string model)
    {
        string folder = SharedFixtures.Model(model);
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "expected.json")));
        Assert.AreEqual("bfloat16", document.RootElement.GetProperty("dtype_on_disk").GetString());
        using var checkpoint = Checkpoint.Open(folder);

        Assert.IsTrue(checkpoint.TensorNames.All(n => checkpoint.GetInfo(n).DType == TensorDType.BFloat16));
    }

    [TestMethod]
    public void ShardedFixtureSpreadsTensorsOverFiveShards()
    {
        string folder = SharedFixtures.Model("tiny-qwen3-untied-sharded");
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, Checkpoint.IndexFileName)));

        var shards = document.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => p.Value.GetString()).Distinct().ToList();

        Assert.HasCount(5, shards);
        using var checkpoint = Checkpoint.Open(folder);
        Assert.IsTrue(checkpoint.Contains(Qwen3WeightNames.LmHead));
    }

    private static List<string> GoldenTensorNames(string folder)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "expected.json")));
        return document.RootElement.GetProperty("tensor_names").EnumerateArray().Select(e => e.GetString()!).ToList();
    }
}
