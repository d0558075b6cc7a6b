using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Models.Tests;

[TestClass]
public sealed class Qwen3PresetsTests
{
    // The published Qwen3 shapes (HF config.json of each release).
    [TestMethod]
    [DataRow("0.6B", 1024, 3072, 28, 16, 8, true, 0, 0, 0)]
    [DataRow("1.7B", 2048, 6144, 28, 16, 8, true, 0, 0, 0)]
    [DataRow("4B", 2560, 9728, 36, 32, 8, true, 0, 0, 0)]
    [DataRow("8B", 4096, 12288, 36, 32, 8, false, 0, 0, 0)]
    [DataRow("14B", 5120, 17408, 40, 40, 8, false, 0, 0, 0)]
    [DataRow("32B", 5120, 25600, 64, 64, 8, false, 0, 0, 0)]
    [DataRow("30B-A3B", 2048, 6144, 48, 32, 4, false, 128, 8, 768)]
    [DataRow("235B-A22B", 4096, 12288, 94, 64, 4, false, 128, 8, 1536)]
    public void PresetMatchesThePublishedShape(
        string name, int hidden, int inter, int layers, int heads, int kv, bool tied, int experts, int topK, int expertInter)
    {
        var config = Qwen3Presets.Get(name);

        Assert.AreEqual(hidden, config.HiddenSize);
        Assert.AreEqual(inter, config.IntermediateSize);
        Assert.AreEqual(layers, config.NumHiddenLayers);
        Assert.AreEqual(heads, config.NumAttentionHeads);
        Assert.AreEqual(kv, config.NumKeyValueHeads);
        Assert.AreEqual(tied, config.TieWordEmbeddings);
        Assert.AreEqual(experts > 0, config.IsMoe);
        Assert.AreEqual(experts > 0 ? Qwen3Config.MoeModelType : Qwen3Config.DenseModelType, config.ModelType);
        Assert.AreEqual(experts, config.NumExperts);
        Assert.AreEqual(topK, config.NumExpertsPerTok);
        Assert.AreEqual(expertInter, config.MoeIntermediateSize);
    }

    [TestMethod]
    public void EveryPresetSharesTheCommonHyperParameters()
    {
        foreach (string name in Qwen3Presets.Names)
        {
            var config = Qwen3Presets.Get(name);
            Assert.AreEqual(151936, config.VocabSize, name);
            Assert.AreEqual(128, config.HeadDim, name);
            Assert.AreEqual(1e6, config.RopeTheta, name);
            Assert.AreEqual(1e-6, config.RmsNormEps, name);
            Assert.AreEqual(40960, config.MaxPositionEmbeddings, name);
            Assert.AreEqual("default", config.RopeScaling.Type, name);
            config.Validate(name);
        }
    }

    [TestMethod]
    public void PresetNamesAreExactlyThePublishedSizes()
    {
        CollectionAssert.AreEquivalent(
            new[] { "0.6B", "1.7B", "4B", "8B", "14B", "32B", "30B-A3B", "235B-A22B" },
            Qwen3Presets.Names.ToArray());
    }

    [TestMethod]
    public void PresetLookupIgnoresCase()
    {
        Assert.AreEqual(Qwen3Presets.Get("30B-A3B"), Qwen3Presets.Get("30b-a3b"));
    }

    [TestMethod]
    public void UnknownPresetListsTheKnownNames()
    {
        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3Presets.Get("7B"));

        StringAssert.Contains(ex.Message, "'7B'");
        foreach (string name in new[] { "0.6B", "1.7B", "4B", "8B", "14B", "32B", "30B-A3B", "235B-A22B" })
        {
            StringAssert.Contains(ex.Message, name);
        }
    }

    // llama.cpp's reported parameter counts for the tied 0.6B and 1.7B checkpoints.
    [TestMethod]
    [DataRow("0.6B", 596_049_920L)]
    [DataRow("1.7B", 1_720_574_976L)]
    public void ExpectedTensorsAddUpToThePublishedParameterCount(string name, long parameters)
    {
        var config = Qwen3Presets.Get(name);

        long total = Qwen3WeightNames.Expected(config).Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));

        Assert.AreEqual(parameters, total);
    }

    [TestMethod]
    public void MoePresetExpectsEveryExpertInEveryLayer()
    {
        var config = Qwen3Presets.Get("30B-A3B");

        var names = Qwen3WeightNames.Expected(config).Select(t => t.Name).ToHashSet();

        Assert.Contains(Qwen3WeightNames.ExpertDownProj(47, 127), names);
        Assert.Contains(Qwen3WeightNames.Router(0), names);
        Assert.DoesNotContain(Qwen3WeightNames.GateProj(0), names);
        Assert.Contains(Qwen3WeightNames.LmHead, names);
    }
}
