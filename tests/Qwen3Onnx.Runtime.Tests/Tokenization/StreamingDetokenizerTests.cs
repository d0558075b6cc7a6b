using System.Text;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Tests.Tokenization;

[TestClass]
public sealed class StreamingDetokenizerTests
{
    [TestMethod]
    [DataRow("中文分词测试：大语言模型")]
    [DataRow("emoji 😀👍🏽 and 🇺🇳 flags")]
    [DataRow("𝒜's name is 𝟙𝟚𝟛 — Ünïcödé")]
    [DataRow("<|im_start|>assistant\n<think>\n思考\n</think>\n\n答案 🇺🇳<|im_end|>")]
    public void DeltasConcatenateToTheFullDecodeWithoutBrokenCharacters(string text)
    {
        var tokenizer = TokenizerGoldens.Real;
        int[] ids = tokenizer.Encode(text);
        var detokenizer = tokenizer.CreateStreamingDetokenizer();
        var streamed = new StringBuilder();

        foreach (int id in ids)
        {
            string delta = detokenizer.Append(id);
            Assert.DoesNotContain("\uFFFD", delta);
            streamed.Append(delta);
        }

        streamed.Append(detokenizer.Flush());
        Assert.AreEqual(tokenizer.Decode(ids), streamed.ToString());
        Assert.AreEqual(text, streamed.ToString());
    }

    [TestMethod]
    public void ATokenEndingInsideACharacterYieldsNothingUntilTheCharacterCompletes()
    {
        // 🇺🇳 is [11162, 229, 118, 145754] in the goldens: 🇺's four bytes span three tokens.
        var detokenizer = TokenizerGoldens.Real.CreateStreamingDetokenizer();

        string[] deltas = [.. new[] { 11162, 229, 118 }.Select(detokenizer.Append)];

        CollectionAssert.AreEqual(new[] { " ", "", "🇺" }, deltas);
    }

    [TestMethod]
    public void SkippingSpecialTokensDropsOnlyTheSpecialOnes()
    {
        var tokenizer = TokenizerGoldens.Real;
        var detokenizer = tokenizer.CreateStreamingDetokenizer(skipSpecialTokens: true);

        string text = string.Concat(tokenizer.Encode("<|im_start|><think>a</think><|im_end|>").Select(detokenizer.Append));

        Assert.AreEqual("<think>a</think>", text);
    }

    [TestMethod]
    public void FlushTurnsAnIncompleteCharacterIntoAReplacementCharacter()
    {
        var detokenizer = TokenizerGoldens.Real.CreateStreamingDetokenizer();
        detokenizer.Append(11162);
        detokenizer.Append(229);

        Assert.AreEqual("\uFFFD", detokenizer.Flush());
    }
}
