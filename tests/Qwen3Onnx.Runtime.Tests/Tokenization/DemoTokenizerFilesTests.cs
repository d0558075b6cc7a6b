using Qwen3Onnx.Demo;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Tests.Tokenization;

[TestClass]
public sealed class DemoTokenizerFilesTests
{
    private static readonly Lazy<Qwen3Tokenizer> Demo = new(() =>
    {
        string folder = Path.Combine(Path.GetTempPath(), "qwen3onnx-tests", "demo-" + Guid.NewGuid().ToString("N"));
        DemoTokenizerFiles.Write(folder);
        return Qwen3Tokenizer.Load(folder);
    });

    [TestMethod]
    public void TheDemoVocabularyEndsWithQwensAddedTokens()
    {
        var tokenizer = Demo.Value;

        Assert.AreEqual(DemoTokenizerFiles.VocabularySize, tokenizer.VocabularySize);
        Assert.IsLessThanOrEqualTo(1024, tokenizer.VocabularySize);
        Assert.AreEqual(DemoTokenizerFiles.BaseVocabularySize, tokenizer.EndOfTextId);
        Assert.AreEqual(DemoTokenizerFiles.VocabularySize - 1, tokenizer.ThinkEndId);
        Assert.AreEqual(tokenizer.TokenToId("<|im_end|>"), tokenizer.EosTokenId);
        Assert.AreEqual(tokenizer.EndOfTextId, tokenizer.PadTokenId);
        Assert.AreEqual(ChatTemplate.Jinja, tokenizer.ChatTemplateSource);
    }

    [TestMethod]
    [DataRow("Hello! You are a helpful assistant.")]
    [DataRow("Ünïcödé, 中文, emoji 😀 and 𝒜 round-trip through byte tokens.")]
    [DataRow("<|im_start|>user\nhi<|im_end|>\n<think>\n\n</think>")]
    public void DemoTokenizerRoundTripsText(string text)
    {
        var tokenizer = Demo.Value;

        int[] ids = tokenizer.Encode(text);

        Assert.IsTrue(ids.All(id => id >= 0 && id < DemoTokenizerFiles.VocabularySize));
        Assert.AreEqual(text, tokenizer.Decode(ids));
    }

    [TestMethod]
    public void CommonEnglishWordsAreSingleDemoTokens()
    {
        var tokenizer = Demo.Value;

        Assert.HasCount(1, tokenizer.Encode(" the"));
        Assert.IsLessThan(" assistant answers the question".Length / 2, tokenizer.Encode(" assistant answers the question").Length);
    }

    [TestMethod]
    public void ChatRenderingWorksWithTheDemoTokenizer()
    {
        var tokenizer = Demo.Value;
        ChatMessage[] messages = [new(ChatMessageRole.System, "Be brief."), new(ChatMessageRole.User, "Hello!")];

        int[] ids = tokenizer.EncodeChat(messages, new ChatTemplateOptions { EnableThinking = false });

        Assert.AreEqual(tokenizer.ImStartId, ids[0]);
        Assert.AreEqual(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n",
            tokenizer.Decode(ids));
    }

    [TestMethod]
    public void WritingTwiceGivesTheSameFiles()
    {
        string first = Path.Combine(Path.GetTempPath(), "qwen3onnx-tests", "demo-a-" + Guid.NewGuid().ToString("N"));
        string second = Path.Combine(Path.GetTempPath(), "qwen3onnx-tests", "demo-b-" + Guid.NewGuid().ToString("N"));

        DemoTokenizerFiles.Write(first);
        DemoTokenizerFiles.Write(second);

        Assert.AreEqual(File.ReadAllText(Path.Combine(first, "tokenizer.json")), File.ReadAllText(Path.Combine(second, "tokenizer.json")));
    }
}
