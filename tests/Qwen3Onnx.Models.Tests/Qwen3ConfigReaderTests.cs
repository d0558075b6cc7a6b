using Qwen3Onnx.Models;
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
        Assert.IsTrue(config.NormTopkProb);
        Assert.IsTrue(config.IsMoeLayer(0) && config.IsMoeLayer(1));
    }

    [TestMethod]
    public void UnsupportedModelTypeNamesTheField()
    {
        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3ConfigReader.Parse("""{"model_type": "llama"}""", "x/config.json"));

        StringAssert.Contains(ex.Message, "model_type");
        StringAssert.Contains(ex.Message, "x/config.json");
    }
}
