using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Models.Tests;

[TestClass]
public sealed class CheckpointErrorTests
{
    [TestMethod]
    public void MissingTensorNamesFolderAndTensorOnGetInfoAndRead()
    {
        using var folder = new TempFolder();
        TestCheckpoints.WriteSingleFile(folder.Path, TestCheckpoints.TinyConfig());
        using var checkpoint = Checkpoint.Open(folder.Path);

        var info = Assert.ThrowsExactly<Qwen3OnnxException>(() => checkpoint.GetInfo("model.layers.9.mlp.up_proj.weight"));
        var read = Assert.ThrowsExactly<Qwen3OnnxException>(() => checkpoint.ReadFloat32("model.layers.9.mlp.up_proj.weight", 0, new float[4]));

        foreach (var ex in new[] { info, read })
        {
            StringAssert.Contains(ex.Message, folder.Path);
            StringAssert.Contains(ex.Message, "'model.layers.9.mlp.up_proj.weight'");
        }
    }

    [TestMethod]
    public void ValidateNamesTheFirstMissingTensor()
    {
        using var folder = new TempFolder();
        var config = TestCheckpoints.TinyConfig();
        string dropped = Qwen3WeightNames.KNorm(1);
        TestCheckpoints.WriteSingleFile(folder.Path, config, (name, shape) => name == dropped ? null : shape);
        using var checkpoint = Checkpoint.Open(folder.Path);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3WeightNames.Validate(config, checkpoint));

        StringAssert.Contains(ex.Message, folder.Path);
        StringAssert.Contains(ex.Message, $"missing tensor '{dropped}'");
    }

    [TestMethod]
    public void ValidateNamesTheTensorWhoseShapeDisagreesWithConfig()
    {
        using var folder = new TempFolder();
        var config = TestCheckpoints.TinyConfig();
        string wrong = Qwen3WeightNames.QProj(0);
        TestCheckpoints.WriteSingleFile(folder.Path, config, (name, shape) => name == wrong ? [shape[1], shape[0]] : shape);
        using var checkpoint = Checkpoint.Open(folder.Path);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3WeightNames.Validate(config, checkpoint));

        StringAssert.Contains(ex.Message, folder.Path);
        StringAssert.Contains(ex.Message, $"tensor '{wrong}' has shape [64, 128] but config.json implies [128, 64]");
    }

    [TestMethod]
    public void IndexNamingAMissingShardNamesIndexShardAndTensor()
    {
        using var folder = new TempFolder();
        TestCheckpoints.WriteShard(folder.File("model-00001-of-00002.safetensors"), "a");
        WriteIndex(folder, ("a", "model-00001-of-00002.safetensors"), ("b", "model-00002-of-00002.safetensors"));

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Checkpoint.Open(folder.Path));

        StringAssert.Contains(ex.Message, folder.File(Checkpoint.IndexFileName));
        StringAssert.Contains(ex.Message, "'model-00002-of-00002.safetensors'");
        StringAssert.Contains(ex.Message, "'b'");
    }

    [TestMethod]
    public void IndexNamingATensorNotInItsShardNamesShardAndTensor()
    {
        using var folder = new TempFolder();
        TestCheckpoints.WriteShard(folder.File("model-00001-of-00001.safetensors"), "a");
        WriteIndex(folder, ("a", "model-00001-of-00001.safetensors"), ("b", "model-00001-of-00001.safetensors"));

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Checkpoint.Open(folder.Path));

        StringAssert.Contains(ex.Message, folder.File("model-00001-of-00001.safetensors"));
        StringAssert.Contains(ex.Message, "'b'");
    }

    [TestMethod]
    [DataRow("""{"weight_map": {"a": "model-00001-of-00001.safetensors",""", DisplayName = "cut short")]
    [DataRow("not json", DisplayName = "not JSON")]
    public void MalformedIndexJsonNamesIndexAndWeightMap(string json)
    {
        using var folder = new TempFolder();
        TestCheckpoints.WriteShard(folder.File("model-00001-of-00001.safetensors"), "a");
        File.WriteAllText(folder.File(Checkpoint.IndexFileName), json);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Checkpoint.Open(folder.Path));

        StringAssert.Contains(ex.Message, folder.File(Checkpoint.IndexFileName));
        StringAssert.Contains(ex.Message, "malformed");
        StringAssert.Contains(ex.Message, "'weight_map'");
    }

    [TestMethod]
    [DataRow("[]", DisplayName = "array at top level")]
    [DataRow("""{"metadata": {}}""", DisplayName = "no weight_map")]
    [DataRow("""{"weight_map": ["a"]}""", DisplayName = "weight_map not an object")]
    public void IndexWithoutAWeightMapObjectNamesTheField(string json)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File(Checkpoint.IndexFileName), json);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Checkpoint.Open(folder.Path));

        StringAssert.Contains(ex.Message, folder.File(Checkpoint.IndexFileName));
        StringAssert.Contains(ex.Message, "'weight_map'");
    }

    [TestMethod]
    public void IndexNamingAShardOutsideTheFolderIsRejected()
    {
        using var folder = new TempFolder();
        WriteIndex(folder, ("a", "../elsewhere.safetensors"));

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Checkpoint.Open(folder.Path));

        StringAssert.Contains(ex.Message, folder.File(Checkpoint.IndexFileName));
        StringAssert.Contains(ex.Message, "'weight_map.a'");
    }

    [TestMethod]
    public void FolderWithoutWeightsNamesBothFileNames()
    {
        using var folder = new TempFolder();

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Checkpoint.Open(folder.Path));

        StringAssert.Contains(ex.Message, folder.Path);
        StringAssert.Contains(ex.Message, Checkpoint.SingleFileName);
        StringAssert.Contains(ex.Message, Checkpoint.IndexFileName);
    }

    [TestMethod]
    public void BadShardHeaderIsReportedWithTheShardPath()
    {
        using var folder = new TempFolder();
        string shard = RawSafetensors.Write(folder, """{"a":{"dtype":"I8","shape":[2],"data_offsets":[0,2]}}""", 2, "model-00001-of-00001.safetensors");
        WriteIndex(folder, ("a", "model-00001-of-00001.safetensors"));

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Checkpoint.Open(folder.Path));

        StringAssert.Contains(ex.Message, shard);
        StringAssert.Contains(ex.Message, "'a'");
    }

    private static void WriteIndex(TempFolder folder, params (string Tensor, string Shard)[] map)
    {
        string entries = string.Join(", ", map.Select(e => $"\"{e.Tensor}\": \"{e.Shard}\""));
        File.WriteAllText(folder.File(Checkpoint.IndexFileName), $$"""{"metadata": {}, "weight_map": { {{entries}} } }""");
    }
}
