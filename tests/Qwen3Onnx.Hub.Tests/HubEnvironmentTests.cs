using Qwen3Onnx.Models;

namespace Qwen3Onnx.Hub.Tests;

[TestClass]
public sealed class HubEnvironmentTests
{
    [TestMethod]
    public void HfHubCacheWinsOverHfHome()
    {
        var options = Read(new() { ["HF_HUB_CACHE"] = "/data/hub", ["HF_HOME"] = "/data/hf" });

        Assert.AreEqual("/data/hub", options.CacheDirectory);
    }

    [TestMethod]
    public void HfHomeGivesItsHubSubfolder()
    {
        var options = Read(new() { ["HF_HOME"] = "/data/hf" });

        Assert.AreEqual(Path.Combine("/data/hf", "hub"), options.CacheDirectory);
    }

    [TestMethod]
    public void WithoutVariablesTheCacheIsUnderTheUsersCacheFolder()
    {
        var options = Read([]);

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.AreEqual(Path.Combine(home, ".cache", "huggingface", "hub"), options.CacheDirectory);
        Assert.AreEqual(HubOptions.DefaultEndpoint, options.Endpoint);
        Assert.IsFalse(options.Offline);
    }

    [TestMethod]
    [DataRow("1", true)]
    [DataRow("true", true)]
    [DataRow("YES", true)]
    [DataRow("0", false)]
    [DataRow("", false)]
    public void HfHubOfflineAcceptsTheUsualTruthyValues(string value, bool offline)
    {
        Assert.AreEqual(offline, Read(new() { ["HF_HUB_OFFLINE"] = value }).Offline);
    }

    [TestMethod]
    public void EndpointAndTokenComeFromTheirVariables()
    {
        var options = Read(new() { ["HF_ENDPOINT"] = "https://mirror.example/", ["HF_TOKEN"] = " hf_abc " });

        Assert.AreEqual(new Uri("https://mirror.example"), options.Endpoint);
        Assert.AreEqual("hf_abc", options.Token);
    }

    [TestMethod]
    public void TheTokenFileUnderHfHomeIsReadWhenHfTokenIsUnset()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.Sub("token"), "hf_from_file\n");

        Assert.AreEqual("hf_from_file", Read(new() { ["HF_HOME"] = temp.Path }).Token);
    }

    [TestMethod]
    public void AnInvalidEndpointIsNamed()
    {
        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => Read(new() { ["HF_ENDPOINT"] = "not a url" }));

        StringAssert.Contains(ex.Message, "HF_ENDPOINT");
    }

    private static HubOptions Read(Dictionary<string, string> variables) =>
        HubEnvironment.ReadOptions(name => variables.GetValueOrDefault(name));
}
