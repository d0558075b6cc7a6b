using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Tokenization;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Tokenization;

[TestClass]
public sealed class ChatTemplateTests
{
    [TestMethod]
    public void ToolAndReasoningConversationsRenderAsJinjaDoes()
    {
        foreach (var entry in ChatTemplateCases.All)
        {
            var options = new ChatTemplateOptions
            {
                AddGenerationPrompt = entry.GetProperty("add_generation_prompt").GetBoolean(),
                EnableThinking = entry.GetProperty("enable_thinking").GetBoolean(),
                Tools = ChatMessagesJson.ParseTools(entry.GetProperty("tools").GetRawText(), "tools"),
            };
            var messages = ChatMessagesJson.ParseMessages(entry.GetProperty("messages").GetRawText(), "messages");

            string text = ChatTemplate.Render(messages, options);

            Assert.AreEqual(entry.GetProperty("text").GetString(), text, entry.GetProperty("name").GetString());
        }
    }

    [TestMethod]
    public void AFunctionToolBuiltFromPartsRendersLikeItsJsonDefinition()
    {
        var entry = ChatTemplateCases.All.First();
        var definitions = entry.GetProperty("tools");
        var function = definitions[0].GetProperty("function");
        ChatTool built = ChatTool.Function(
            function.GetProperty("name").GetString()!, function.GetProperty("description").GetString(), function.GetProperty("parameters"));
        var options = new ChatTemplateOptions { Tools = [built, new ChatTool(definitions[1])] };

        string text = ChatTemplate.Render(ChatMessagesJson.ParseMessages(entry.GetProperty("messages").GetRawText(), "messages"), options);

        Assert.AreEqual("get_weather", built.Name);
        Assert.AreEqual("now", options.Tools[1].Name);
        Assert.AreEqual(entry.GetProperty("text").GetString(), text);
    }

    [TestMethod]
    public void TheRenderedTemplateIsTheOneInTheRealTokenizerConfig()
    {
        var tokenizer = TokenizerGoldens.Real;

        Assert.AreEqual(tokenizer.ChatTemplateSource, ChatTemplate.Jinja);
    }

    [TestMethod]
    public void ACheckpointTemplateThisRuntimeDoesNotRenderIsRefusedNamingTheFile()
    {
        string folder = TokenizerWithTemplate.Create(qwen3 => qwen3.Replace("<|im_start|>assistant\\n", "<|im_start|>assistant\\n<think>\\n", StringComparison.Ordinal));
        try
        {
            var tokenizer = Qwen3Tokenizer.Load(folder);

            var refusal = Assert.ThrowsExactly<Models.Qwen3OnnxException>(() => tokenizer.RenderChat([new(ChatMessageRole.User, "hi")]));

            Assert.StartsWith(Path.Combine(folder, "tokenizer_config.json") + ": its chat_template is neither Qwen3's", refusal.Message);
            StringAssert.Contains(refusal.Message, "--chat-template qwen3 or qwen3-coder");
            Assert.IsNull(tokenizer.RenderedTemplate);
            Assert.IsFalse(tokenizer.RendersChatTemplate);
            Assert.AreEqual(tokenizer.Encode("hi").Length, tokenizer.Encode("hi").Length, "plain encoding still works");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void ChoosingQwen3RendersItWhateverTheCheckpointCarries()
    {
        string folder = TokenizerWithTemplate.Create(_ => "{{ messages[0].content }}");
        try
        {
            ChatMessage[] messages = [new(ChatMessageRole.User, "hi")];

            string text = Qwen3Tokenizer.Load(folder, ChatTemplateChoice.Qwen3).RenderChat(messages);

            Assert.AreEqual(ChatTemplate.Render(messages), text);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void TheQwen3TemplateWithWindowsLineEndingsIsStillQwen3s()
    {
        string folder = TokenizerWithTemplate.Create(qwen3 => qwen3.ReplaceLineEndings("\r\n"));
        try
        {
            Assert.IsTrue(Qwen3Tokenizer.Load(folder).RendersChatTemplate);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void DisablingThinkingAppendsAnEmptyThinkBlock()
    {
        ChatMessage[] messages = [new(ChatMessageRole.User, "hi")];

        string text = ChatTemplate.Render(messages, new ChatTemplateOptions { EnableThinking = false });

        Assert.AreEqual("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n", text);
    }

    [TestMethod]
    public void AnEmptyConversationIsRejected()
    {
        Assert.ThrowsExactly<Qwen3OnnxException>(() => ChatTemplate.Render([]));
    }

    [TestMethod]
    public void EncodeChatEncodesTheRenderedText()
    {
        var entry = TokenizerGoldens.ChatTemplates.First();

        int[] ids = TokenizerGoldens.Real.EncodeChat(TokenizerGoldens.Messages(entry));

        CollectionAssert.AreEqual(TokenizerGoldens.Ids(entry), ids);
    }
}
