using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Qwen3Onnx.Runtime.Tokenization;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Server.Tests;

/// <summary>Serving with Qwen3-Coder's template: prompts render with it, and a call grammar it cannot hold is refused, not applied.</summary>
[TestClass]
public sealed class CoderTemplateServingTests
{
    private const string Tools = """
        [{"type": "function", "function": {"name": "now", "description": "Current time", "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}}}}]
        """;

    private static Qwen3Server _server = null!;
    private static readonly HttpClient Http = new();

    [ClassInitialize]
    public static async Task Start(TestContext context)
    {
        _ = context;
        _server = await Qwen3Server.StartAsync(RealTokenizerModel.Options() with { ChatTemplate = ChatTemplateChoice.Qwen3Coder });
    }

    [ClassCleanup]
    public static async Task Stop() => await _server.DisposeAsync();

    [TestMethod]
    public async Task APromptWithToolsRendersWithTheCoderTemplate()
    {
        using var response = await PostAsync($$"""{"model": "{{_server.ModelName}}", "max_tokens": 1, "tools": {{Tools}}, "messages": [{"role": "user", "content": "Time?"}]}""");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var tokenizer = Qwen3Tokenizer.Load(RealTokenizer.Folder);
        string expected = Qwen3CoderChatTemplate.Render([new(ChatMessageRole.User, "Time?")], new ChatTemplateOptions { Tools = ChatMessagesJson.ParseTools(Tools, "tools") });
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual(tokenizer.Encode(expected).Length, body.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.AreNotEqual(tokenizer.Encode(expected).Length, tokenizer.EncodeChat([new(ChatMessageRole.User, "Time?")], new ChatTemplateOptions { Tools = ChatMessagesJson.ParseTools(Tools, "tools") }).Length);
    }

    [TestMethod]
    [DataRow("\"required\"")]
    [DataRow("{\"type\": \"function\", \"function\": {\"name\": \"now\"}}")]
    public async Task AForcedToolCallIsRefusedBecauseItsGrammarWritesQwen3sJsonCalls(string toolChoice)
    {
        using var response = await PostAsync($$"""{"model": "{{_server.ModelName}}", "max_tokens": 4, "tools": {{Tools}}, "tool_choice": {{toolChoice}}, "messages": [{"role": "user", "content": "Time?"}]}""");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var error = body.RootElement.GetProperty("error");
        Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.AreEqual("unsupported_parameter", error.GetProperty("code").GetString());
        StringAssert.Contains(error.GetProperty("message").GetString(), "Qwen3-Coder");
    }

    private static Task<HttpResponseMessage> PostAsync(string json) =>
        Http.PostAsync(new Uri(_server.BaseAddress, "/v1/chat/completions"), new StringContent(json, Encoding.UTF8, "application/json"));
}
