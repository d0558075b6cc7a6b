using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Tests.Tokenization;

[TestClass]
public sealed class ChatMessagesJsonTests
{
    [TestMethod]
    public void ReadsRolesContentReasoningAndToolCalls()
    {
        const string json = """
            [{"role": "system", "content": "s"},
             {"role": "assistant", "content": null, "reasoning_content": "r",
              "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": {"a": 1.5, "b": "ü"}}}]},
             {"role": "tool", "tool_call_id": "c1", "name": "f", "content": "ok"}]
            """;

        var messages = ChatMessagesJson.ParseMessages(json, "m.json");

        Assert.HasCount(3, messages);
        Assert.AreEqual(ChatMessageRole.System, messages[0].Role);
        Assert.AreEqual("", messages[1].Content);
        Assert.AreEqual("r", messages[1].ReasoningContent);
        Assert.AreEqual(new ChatToolCall("f", "{\"a\": 1.5, \"b\": \"ü\"}") { Id = "c1" }, messages[1].ToolCalls[0]);
        Assert.AreEqual("c1", messages[2].ToolCallId);
    }

    [TestMethod]
    [DataRow("{\"role\": \"user\", \"content\": \"hi\"}", "m.json: messages should be a JSON list, not object")]
    [DataRow("[{\"role\": \"bot\", \"content\": \"hi\"}]", "m.json: messages[0] has unknown role 'bot' (expected system, developer, user, assistant or tool)")]
    [DataRow("[{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"user\"}]", "m.json: messages[1] has no 'content'")]
    [DataRow("[{\"content\": \"hi\"}]", "m.json: messages[0] has no 'role'")]
    [DataRow("[{\"role\": \"user\", \"content\": 5}]", "m.json: messages[0].content should be a string, not number")]
    [DataRow("[\"hi\"]", "m.json: messages[0] should be a JSON object with 'role' and 'content'")]
    [DataRow("[{\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"function\": {\"name\": \"f\"}}]}]", "m.json: messages[0].tool_calls[0] has no 'arguments'")]
    public void MalformedMessagesFailWithOneLineNamingTheEntry(string json, string expected)
    {
        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => ChatMessagesJson.ParseMessages(json, "m.json"));

        Assert.AreEqual(expected, error.Message);
    }

    [TestMethod]
    public void InvalidJsonNamesTheSource()
    {
        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => ChatMessagesJson.ParseMessages("[{\"role\": ", "m.json"));

        StringAssert.StartsWith(error.Message, "m.json: not valid JSON (");
        Assert.DoesNotContain("\n", error.Message);
    }

    [TestMethod]
    public void TheDeveloperRoleIsTheSystemRole()
    {
        var messages = ChatMessagesJson.ParseMessages("[{\"role\": \"developer\", \"content\": \"be brief\"}, {\"role\": \"user\", \"content\": \"hi\"}]", "m.json");

        Assert.AreEqual(ChatMessageRole.System, messages[0].Role);
        Assert.AreEqual("be brief", messages[0].Content);
    }

    [TestMethod]
    public void ARepeatedKeyIsRefusedNamingIt()
    {
        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => ChatMessagesJson.ParseMessages("[{\"role\": \"user\", \"content\": \"a\", \"content\": \"b\"}]", "m.json"));

        StringAssert.StartsWith(error.Message, "m.json: not valid JSON (");
        StringAssert.Contains(error.Message, "content");
    }

    [TestMethod]
    public void AMissingFileNamesThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.json");

        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => ChatMessagesJson.ReadMessagesFile(path));

        StringAssert.StartsWith(error.Message, path + ": cannot read");
    }

    [TestMethod]
    public void ToolsMustBeAListOfObjects()
    {
        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => ChatMessagesJson.ParseTools("[1]", "t.json"));

        Assert.AreEqual("t.json: tools[0] should be a JSON object", error.Message);
    }
}
