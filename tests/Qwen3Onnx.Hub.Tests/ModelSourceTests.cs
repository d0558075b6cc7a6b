using Qwen3Onnx.Models;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Hub.Tests;

[TestClass]
public sealed class ModelSourceTests
{
    [TestMethod]
    [DataRow("0.6B", "Qwen/Qwen3-0.6B")]
    [DataRow("4B", "Qwen/Qwen3-4B")]
    [DataRow("4b-base", "Qwen/Qwen3-4B-Base")]
    [DataRow("Qwen3-8B", "Qwen/Qwen3-8B")]
    [DataRow("235B-A22B", "Qwen/Qwen3-235B-A22B")]
    [DataRow("4B-Instruct-2507", "Qwen/Qwen3-4B-Instruct-2507")]
    [DataRow("4B-Thinking-2507", "Qwen/Qwen3-4B-Thinking-2507")]
    [DataRow("30B-A3B-Instruct-2507", "Qwen/Qwen3-30B-A3B-Instruct-2507")]
    [DataRow("30B-A3B-Thinking-2507", "Qwen/Qwen3-30B-A3B-Thinking-2507")]
    [DataRow("Coder-30B-A3B-Instruct", "Qwen/Qwen3-Coder-30B-A3B-Instruct")]
    [DataRow("someone/my-qwen3.finetune", "someone/my-qwen3.finetune")]
    public void ShortNamesAndRepoIdsMapToRepositories(string model, string repoId)
    {
        var source = ModelSource.Parse(model);

        Assert.AreEqual(repoId, source.RepoId);
        Assert.IsNull(source.LocalFolder);
    }

    [TestMethod]
    public void AnExistingFolderIsALocalSource()
    {
        var source = ModelSource.Parse(SharedFixtures.Model("tiny-qwen3"));

        Assert.AreEqual(Path.GetFullPath(SharedFixtures.Model("tiny-qwen3")), source.LocalFolder);
        Assert.IsNull(source.RepoId);
    }

    [TestMethod]
    public void AMissingFolderPathIsNamedInTheError()
    {
        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => ModelSource.Parse("./no/such/folder"));

        StringAssert.Contains(ex.Message, "'./no/such/folder' does not exist");
    }

    [TestMethod]
    [DataRow("5B")]
    [DataRow("Qwen3")]
    [DataRow("a/b--c")]
    public void UnknownNamesListEveryKnownName(string model)
    {
        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => ModelSource.Parse(model));

        StringAssert.Contains(ex.Message, $"unknown model '{model}'");
        foreach (string name in QwenModelCatalog.Names)
        {
            StringAssert.Contains(ex.Message, name);
        }
    }
}
