using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Tests.Tokenization;

[TestClass]
public sealed class Qwen3TokenizerGoldenTests
{
    [TestMethod]
    public void EveryGoldenEncodingMatchesHfTokenizers()
    {
        foreach (var entry in TokenizerGoldens.Encodings)
        {
            string text = entry.GetProperty("text").GetString()!;
            int[] actual = TokenizerGoldens.Real.Encode(text);
            string mismatch = TokenizerGoldens.FirstMismatch(TokenizerGoldens.Ids(entry), actual);
            Assert.AreEqual("", mismatch, $"encoding {TokenizerGoldens.Escape(text)}");
        }
    }

    [TestMethod]
    public void EveryGoldenDecodingMatchesHfTokenizers()
    {
        foreach (var entry in TokenizerGoldens.Encodings)
        {
            string decoded = TokenizerGoldens.Real.Decode(TokenizerGoldens.Ids(entry));
            Assert.AreEqual(entry.GetProperty("decoded").GetString(), decoded);
        }
    }

    [TestMethod]
    public void EveryGoldenChatTemplateRendersTheSameText()
    {
        foreach (var entry in TokenizerGoldens.ChatTemplates)
        {
            var options = new ChatTemplateOptions
            {
                AddGenerationPrompt = entry.GetProperty("add_generation_prompt").GetBoolean(),
                EnableThinking = entry.GetProperty("enable_thinking").GetBoolean(),
            };
            string text = ChatTemplate.Render(TokenizerGoldens.Messages(entry), options);
            Assert.AreEqual(entry.GetProperty("text").GetString(), text);
        }
    }

    [TestMethod]
    public void EveryGoldenChatTemplateEncodesToTheSameIds()
    {
        foreach (var entry in TokenizerGoldens.ChatTemplates)
        {
            int[] actual = TokenizerGoldens.Real.Encode(entry.GetProperty("text").GetString()!);
            string mismatch = TokenizerGoldens.FirstMismatch(TokenizerGoldens.Ids(entry), actual);
            Assert.AreEqual("", mismatch, $"chat ids for {TokenizerGoldens.Escape(entry.GetProperty("text").GetString()!)}");
        }
    }
}
