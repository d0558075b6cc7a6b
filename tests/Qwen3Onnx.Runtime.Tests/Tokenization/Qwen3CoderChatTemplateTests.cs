using System.Text.Json;
using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Tokenization;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Tokenization;

[TestClass]
public sealed class Qwen3CoderChatTemplateTests
{
    [TestMethod]
    public void CoderConversationsRenderAsJinjaDoes()
    {
        foreach (var entry in ChatTemplateCases.Coder)
        {
            var options = new ChatTemplateOptions
            {
                AddGenerationPrompt = entry.GetProperty("add_generation_prompt").GetBoolean(),
                Tools = ChatMessagesJson.ParseTools(entry.GetProperty("tools").GetRawText(), "tools"),
            };
            var messages = ChatMessagesJson.ParseMessages(entry.GetProperty("messages").GetRawText(), "messages");

            string text = Qwen3CoderChatTemplate.Render(messages, options);

            Assert.AreEqual(entry.GetProperty("text").GetString(), text, entry.GetProperty("name").GetString());
        }
    }

    [TestMethod]
    public void TheGoldensWereRenderedFromTheTemplateThisClassRenders()
    {
        Assert.AreEqual(ChatTemplateCases.CoderTemplate, Qwen3CoderChatTemplate.Jinja);
    }

    [TestMethod]
    public void ArgumentsSentAsJsonTextRenderLikeArgumentsGivenAsAnObject()
    {
        var entry = ChatTemplateCases.Coder.First();
        var options = new ChatTemplateOptions { Tools = ChatMessagesJson.ParseTools(entry.GetProperty("tools").GetRawText(), "tools") };
        var messages = ChatMessagesJson.ParseMessages(entry.GetProperty("messages").GetRawText(), "messages");
        var asText = messages.Select(message => message with
        {
            ToolCalls = [.. message.ToolCalls.Select(call => call with { Arguments = JsonSerializer.Serialize(JsonDocument.Parse(call.Arguments).RootElement) })],
        }).ToArray();
        Assert.AreNotEqual(messages[2].ToolCalls[0].Arguments, asText[2].ToolCalls[0].Arguments, "the arguments must be written differently");

        Assert.AreEqual(entry.GetProperty("text").GetString(), Qwen3CoderChatTemplate.Render(asText, options));
    }

    [TestMethod]
    public void ArgumentsThatAreNotAnObjectAreRefusedNamingTheCall()
    {
        ChatMessage[] messages = [new(ChatMessageRole.User, "q"), new(ChatMessageRole.Assistant, "") { ToolCalls = [new ChatToolCall("now", "[1, 2]")] }];

        var refusal = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3CoderChatTemplate.Render(messages));

        StringAssert.Contains(refusal.Message, "'now'");
    }

    [TestMethod]
    public void ACheckpointCarryingTheCoderTemplateRendersIt()
    {
        string folder = TokenizerWithTemplate.Create(_ => Qwen3CoderChatTemplate.Jinja);
        try
        {
            var tokenizer = Qwen3Tokenizer.Load(folder);
            ChatMessage[] messages = [new(ChatMessageRole.User, "Write quicksort in C#.")];

            Assert.AreEqual(ChatTemplateChoice.Qwen3Coder, tokenizer.RenderedTemplate);
            Assert.IsTrue(tokenizer.WritesXmlToolCalls);
            Assert.AreEqual(ChatTemplateCases.Coder.Last().GetProperty("text").GetString(), tokenizer.RenderChat(messages));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void ChoosingQwen3CoderRendersItWhateverTheCheckpointCarries()
    {
        var tokenizer = Qwen3Tokenizer.Load(RealTokenizer.Folder, ChatTemplateChoice.Qwen3Coder);
        ChatMessage[] messages = [new(ChatMessageRole.User, "hi")];

        Assert.AreEqual(Qwen3CoderChatTemplate.Render(messages), tokenizer.RenderChat(messages));
        Assert.AreEqual(ChatTemplateChoice.Qwen3, Qwen3Tokenizer.Load(RealTokenizer.Folder).RenderedTemplate);
    }
}
