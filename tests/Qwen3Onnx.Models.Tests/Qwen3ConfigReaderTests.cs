using System.Text.Json.Nodes;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Models.Tests;

[TestClass]
public sealed class Qwen3ConfigReaderTests
{
    [TestMethod]
    public void ReadsDenseFixtureConfigWithHeadDimDifferentFromHiddenOverHeads()
    {
        var config = Qwen3ConfigReader.ReadFile(Path.Combine(SharedFixtures.Model("tiny-qwen3"), "config.json"));

        Assert.AreEqual(Qwen3Config.DenseModelType, config.ModelType);
        Assert.AreEqual(64, config.HiddenSize);
        Assert.AreEqual(32, config.HeadDim);
        Assert.AreEqual(128, config.QueryWidth);
        Assert.IsTrue(config.TieWordEmbeddings);
        Assert.IsFalse(config.IsMoe);
    }

    [TestMethod]
    public void ReadsMoeFixtureConfigAndMarksEveryLayerSparse()
    {
        var config = Qwen3ConfigReader.ReadFile(Path.Combine(SharedFixtures.Model("tiny-qwen3-moe"), "config.json"));

        Assert.IsTrue(config.IsMoe);
        Assert.AreEqual(8, config.NumExperts);
        Assert.AreEqual(2, config.NumExpertsPerTok);
        Assert.AreEqual(32, config.MoeIntermediateSize);
        Assert.IsTrue(config.NormTopkProb);
        Assert.AreEqual(1, config.DecoderSparseStep);
        Assert.IsEmpty(config.MlpOnlyLayers);
        Assert.IsTrue(config.IsMoeLayer(0) && config.IsMoeLayer(1));
    }

    [TestMethod]
    public void ReadsFixtureNullRopeScalingAsDefaultRope()
    {
        var config = Qwen3ConfigReader.ReadFile(Path.Combine(SharedFixtures.Model("tiny-qwen3-untied-sharded"), "config.json"));

        Assert.AreEqual("default", config.RopeScaling.Type);
        Assert.AreEqual(1_000_000, config.RopeTheta);
        Assert.AreEqual(1e-6, config.RmsNormEps);
        Assert.AreEqual("bfloat16", config.TorchDtype);
        Assert.AreEqual(151643, config.BosTokenId);
    }

    [TestMethod]
    public void UnsupportedModelTypeNamesTheField()
    {
        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3ConfigReader.Parse("""{"model_type": "llama"}""", "x/config.json"));

        StringAssert.Contains(ex.Message, "model_type");
        StringAssert.Contains(ex.Message, "'llama'");
        StringAssert.Contains(ex.Message, "x/config.json");
    }

    [TestMethod]
    [DataRow("model_type")]
    [DataRow("hidden_size")]
    [DataRow("num_hidden_layers")]
    [DataRow("vocab_size")]
    [DataRow("num_attention_heads")]
    [DataRow("intermediate_size")]
    public void MissingRequiredDenseFieldIsNamed(string field)
    {
        string json = ConfigJson.Dense().With(field, null);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3ConfigReader.Parse(json, ConfigJson.Source));

        StringAssert.Contains(ex.Message, ConfigJson.Source);
        StringAssert.Contains(ex.Message, $"missing required field '{field}'");
    }

    [TestMethod]
    [DataRow("num_experts")]
    [DataRow("num_experts_per_tok")]
    [DataRow("moe_intermediate_size")]
    public void MissingRequiredMoeFieldIsNamed(string field)
    {
        string json = ConfigJson.Moe().With(field, null);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3ConfigReader.Parse(json, ConfigJson.Source));

        StringAssert.Contains(ex.Message, ConfigJson.Source);
        StringAssert.Contains(ex.Message, $"missing required field '{field}'");
    }

    [TestMethod]
    public void AllSparseMoeConfigNeedsNoIntermediateSize()
    {
        var config = Qwen3ConfigReader.Parse(ConfigJson.Moe().ToJsonString(), ConfigJson.Source);

        Assert.AreEqual(0, config.IntermediateSize);
        Assert.IsTrue(Enumerable.Range(0, 4).All(config.IsMoeLayer));
    }

    [TestMethod]
    public void MoeConfigWithADenseLayerNeedsIntermediateSize()
    {
        string json = ConfigJson.Moe().With("mlp_only_layers", new JsonArray(1));

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3ConfigReader.Parse(json, ConfigJson.Source));

        StringAssert.Contains(ex.Message, ConfigJson.Source);
        StringAssert.Contains(ex.Message, "missing required field 'intermediate_size'");
    }

    [TestMethod]
    [DataRow("hidden_size", "\"64\"", "an integer")]
    [DataRow("hidden_size", "64.5", "an integer")]
    [DataRow("num_hidden_layers", "true", "an integer")]
    [DataRow("rms_norm_eps", "\"1e-6\"", "a number")]
    [DataRow("tie_word_embeddings", "1", "true or false")]
    [DataRow("model_type", "3", "a string")]
    [DataRow("mlp_only_layers", "[1, \"2\"]", "a list of integers")]
    [DataRow("eos_token_id", "\"151645\"", "a list of integers")]
    public void WrongFieldTypeNamesFieldAndExpectedType(string field, string value, string expected)
    {
        string json = ConfigJson.Moe().With(field, JsonNode.Parse(value));

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3ConfigReader.Parse(json, ConfigJson.Source));

        StringAssert.Contains(ex.Message, ConfigJson.Source);
        StringAssert.Contains(ex.Message, $"field '{field}' must be {expected}");
    }

    [TestMethod]
    [DataRow("hidden_size", 0)]
    [DataRow("vocab_size", -1)]
    [DataRow("num_key_value_heads", 0)]
    public void NonPositiveSizeNamesTheField(string field, int value)
    {
        string json = ConfigJson.Dense().With(field, value);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3ConfigReader.Parse(json, ConfigJson.Source));

        StringAssert.Contains(ex.Message, ConfigJson.Source);
        StringAssert.Contains(ex.Message, $"field '{field}' must be positive");
    }

    [TestMethod]
    public void HeadsNotAMultipleOfKeyValueHeadsNamesBothFields()
    {
        string json = ConfigJson.Dense().With("num_key_value_heads", 3);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3ConfigReader.Parse(json, ConfigJson.Source));

        StringAssert.Contains(ex.Message, ConfigJson.Source);
        StringAssert.Contains(ex.Message, "'num_attention_heads' (4)");
        StringAssert.Contains(ex.Message, "'num_key_value_heads' (3)");
    }

    [TestMethod]
    public void MissingKeyValueHeadsMeansMultiHeadAttention()
    {
        var config = Qwen3ConfigReader.Parse(ConfigJson.Dense().With("num_key_value_heads", null), ConfigJson.Source);

        Assert.AreEqual(4, config.NumKeyValueHeads);
        Assert.AreEqual(1, config.GroupSize);
    }

    [TestMethod]
    public void MissingHeadDimDefaultsTo128AsHfQwen3ConfigDoes()
    {
        var config = Qwen3ConfigReader.Parse(ConfigJson.Dense().With("head_dim", null), ConfigJson.Source);

        Assert.AreEqual(128, config.HeadDim);
        Assert.AreEqual(512, config.QueryWidth);
    }

    [TestMethod]
    public void TransformersV5RopeParametersGiveYarnAndTheta()
    {
        var rope = JsonNode.Parse("""{"rope_type":"yarn","factor":4.0,"original_max_position_embeddings":32768,"rope_theta":1e6}""");
        string json = ConfigJson.Dense().With("rope_parameters", rope);

        var config = Qwen3ConfigReader.Parse(json, ConfigJson.Source);

        Assert.IsTrue(config.RopeScaling.IsYarn);
        Assert.AreEqual(4.0, config.RopeScaling.Factor);
        Assert.AreEqual(32768, config.RopeScaling.OriginalMaxPositionEmbeddings);
        Assert.AreEqual(1e6, config.RopeTheta);
    }

    [TestMethod]
    public void YarnWithoutFactorTakesTheContextRatioAsTransformersDoes()
    {
        var rope = JsonNode.Parse("""{"rope_type":"yarn","original_max_position_embeddings":32768}""");
        var root = ConfigJson.Dense();
        root["max_position_embeddings"] = 131072;
        string json = root.With("rope_parameters", rope);

        var config = Qwen3ConfigReader.Parse(json, ConfigJson.Source);

        Assert.AreEqual(4.0, config.RopeScaling.Factor);
    }

    [TestMethod]
    public void LegacyRopeScalingWithTypeKeyIsRead()
    {
        var rope = JsonNode.Parse("""{"type":"yarn","factor":2.0,"original_max_position_embeddings":32768}""");
        var root = ConfigJson.Dense();
        root["rope_theta"] = 5e5;
        string json = root.With("rope_scaling", rope);

        var config = Qwen3ConfigReader.Parse(json, ConfigJson.Source);

        Assert.AreEqual("yarn", config.RopeScaling.Type);
        Assert.AreEqual(2.0, config.RopeScaling.Factor);
        Assert.AreEqual(5e5, config.RopeTheta);
    }

    [TestMethod]
    public void RopeThetaOutsideRopeParametersDefaultsTo10000AsHfDoes()
    {
        var config = Qwen3ConfigReader.Parse(ConfigJson.Dense().ToJsonString(), ConfigJson.Source);

        Assert.AreEqual(10000.0, config.RopeTheta);
        Assert.AreEqual("default", config.RopeScaling.Type);
    }

    [TestMethod]
    public void UnsupportedRopeTypeNamesTheField()
    {
        string json = ConfigJson.Dense().With("rope_parameters", JsonNode.Parse("""{"rope_type":"longrope","factor":2.0}"""));

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3ConfigReader.Parse(json, ConfigJson.Source));

        StringAssert.Contains(ex.Message, ConfigJson.Source);
        StringAssert.Contains(ex.Message, "'rope_parameters.rope_type'");
        StringAssert.Contains(ex.Message, "'longrope'");
    }

    [TestMethod]
    public void RopeScalingThatIsNotAnObjectNamesTheField()
    {
        string json = ConfigJson.Dense().With("rope_scaling", "yarn");

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3ConfigReader.Parse(json, ConfigJson.Source));

        StringAssert.Contains(ex.Message, ConfigJson.Source);
        StringAssert.Contains(ex.Message, "'rope_scaling'");
    }

    [TestMethod]
    public void WrongTypeInsideRopeParametersNamesTheNestedObject()
    {
        string json = ConfigJson.Dense().With("rope_parameters", JsonNode.Parse("""{"rope_type":"yarn","factor":"4"}"""));

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3ConfigReader.Parse(json, ConfigJson.Source));

        StringAssert.Contains(ex.Message, ConfigJson.Source);
        StringAssert.Contains(ex.Message, "rope_parameters");
        StringAssert.Contains(ex.Message, "'factor'");
    }

    [TestMethod]
    public void EosTokenIdMayBeASingleInteger()
    {
        var config = Qwen3ConfigReader.Parse(ConfigJson.Dense().With("eos_token_id", 151645), ConfigJson.Source);

        CollectionAssert.AreEqual(new[] { 151645 }, config.EosTokenIds.ToArray());
    }

    [TestMethod]
    public void EosTokenIdMayBeAList()
    {
        var config = Qwen3ConfigReader.Parse(ConfigJson.Dense().With("eos_token_id", new JsonArray(151645, 151643)), ConfigJson.Source);

        CollectionAssert.AreEqual(new[] { 151645, 151643 }, config.EosTokenIds.ToArray());
    }

    [TestMethod]
    public void MlpOnlyLayersAndSparseStepDecideWhichLayersAreSparse()
    {
        var root = ConfigJson.Moe();
        root["intermediate_size"] = 96;
        root["mlp_only_layers"] = new JsonArray(3);
        string json = root.With("decoder_sparse_step", 2);

        var config = Qwen3ConfigReader.Parse(json, ConfigJson.Source);

        // Step 2 makes layers 1 and 3 (1-based 2 and 4) sparse; mlp_only_layers takes 3 back.
        CollectionAssert.AreEqual(new[] { false, true, false, false }, Enumerable.Range(0, 4).Select(config.IsMoeLayer).ToArray());
        Assert.AreEqual(96, config.IntermediateSize);
    }

    [TestMethod]
    public void MoreExpertsPerTokenThanExpertsNamesBothFields()
    {
        string json = ConfigJson.Moe().With("num_experts_per_tok", 9);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3ConfigReader.Parse(json, ConfigJson.Source));

        StringAssert.Contains(ex.Message, ConfigJson.Source);
        StringAssert.Contains(ex.Message, "'num_experts_per_tok' (9)");
        StringAssert.Contains(ex.Message, "'num_experts' (8)");
    }

    [TestMethod]
    public void MalformedJsonNamesTheFile()
    {
        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3ConfigReader.Parse("""{"model_type": "qwen3",""", ConfigJson.Source));

        StringAssert.Contains(ex.Message, ConfigJson.Source);
        StringAssert.Contains(ex.Message, "malformed JSON");
    }

    [TestMethod]
    public void MissingConfigFileNamesThePath()
    {
        using var folder = new TempFolder();
        string path = folder.File("config.json");

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3ConfigReader.ReadFile(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "not found");
    }
}
