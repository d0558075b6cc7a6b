using Microsoft.Extensions.AI;
using Qwen3Onnx.Runtime.Chat;
using Qwen3Onnx.Runtime.Tokenization;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using TemplateMessage = Qwen3Onnx.Runtime.Tokenization.ChatMessage;

namespace Qwen3Onnx.Runtime.Tests.Chat;

[TestClass]
public sealed class ChatMessageMappingTests
{
    [TestMethod]
    public void ReasoningToolCallsAndToolResultsReachTheTemplateMessages()
    {
        var arguments = new Dictionary<string, object?> { ["city"] = "Paris", ["days"] = 2 };
        List<AiChatMessage> messages =
        [
            new(ChatRole.User, "Weather?"),
            new(ChatRole.Assistant, [new TextReasoningContent("Use the tool."), new FunctionCallContent("call-1", "get_weather", arguments)]),
            new(ChatRole.Tool, [new FunctionResultContent("call-1", "sunny")]),
        ];

        var mapped = ChatMessageMapping.ToTemplateMessages(messages, instructions: null);

        Assert.HasCount(3, mapped);
        Assert.AreEqual("Use the tool.", mapped[1].ReasoningContent);
        Assert.AreEqual(new ChatToolCall("get_weather", "{\"city\": \"Paris\", \"days\": 2}") { Id = "call-1" }, mapped[1].ToolCalls[0]);
        Assert.AreEqual(new TemplateMessage(ChatMessageRole.Tool, "sunny") { ToolCallId = "call-1" }, mapped[2]);
    }

    [TestMethod]
    public void InstructionsAndALeadingSystemMessageBecomeOneSystemTurn()
    {
        var mapped = ChatMessageMapping.ToTemplateMessages([new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hi")], instructions: "Answer in French.");

        Assert.AreEqual(new TemplateMessage(ChatMessageRole.System, "Answer in French.\n\nBe brief."), mapped[0]);
        Assert.AreEqual(ChatMessageRole.User, mapped[1].Role);
    }

    [TestMethod]
    public void FunctionDeclarationsBecomeTemplateTools()
    {
        var function = AIFunctionFactory.Create((string city) => "sunny", "get_weather", "Weather of a city");

        var tools = ChatMessageMapping.ToTools(new ChatOptions { Tools = [function] });

        Assert.HasCount(1, tools);
        Assert.AreEqual("get_weather", tools[0].Name);
        Assert.AreEqual("Weather of a city", tools[0].Definition.GetProperty("function").GetProperty("description").GetString());
    }
}
