using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Qwen3Onnx.Runtime.Tokenization;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Server.Tests;

/// <summary>Serving with Qwen3-Coder's template, on random weights: prompts render with it, and forced calls decode under its XML call grammar.</summary>
[TestClass]
public sealed class CoderTemplateServingTests
{
    // Random weights would (almost) never write the </parameter> that ends a free-text value, so the served tool's
    // parameters are an enum and an integer; free text under the call grammar is walked in CoderToolCallGrammarTests.
    private const string Parameters = """
        {"type": "object", "properties": {"tz": {"type": "string", "enum": ["UTC", "CET"]}, "offset": {"type": "integer"}}, "required": ["tz", "offset"], "additionalProperties": false}
        """;

    private const string Tools = """[{"type": "function", "function": {"name": "now", "description": "Current time", "parameters": """ + Parameters + "}}]";

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
    [DataRow("\"required\"", false)]
    [DataRow("{\"type\": \"function\", \"function\": {\"name\": \"now\"}}", false)]
    [DataRow("\"required\"", true)]
    public async Task AForcedToolCallComesBackAsACallWhoseArgumentsTheSchemaValidates(string toolChoice, bool stream)
    {
        using var response = await PostAsync($$"""
            {"model": "{{_server.ModelName}}", "max_tokens": 200, "seed": 7, "temperature": 1, "stream": {{(stream ? "true" : "false")}},
             "tools": {{Tools}}, "tool_choice": {{toolChoice}}, "parallel_tool_calls": false, "messages": [{"role": "user", "content": "Time?"}]}
            """);
        string text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, text);

        var (finish, name, arguments) = stream ? FromStream(text) : FromJson(text);

        Assert.AreEqual("tool_calls", finish, text);
        Assert.AreEqual("now", name);
        var errors = SchemaValidation.Errors(arguments, Parameters);
        Assert.IsEmpty(errors, $"{string.Join("; ", errors)} in {arguments}");
    }

    private static (string? Finish, string? Name, string Arguments) FromJson(string text)
    {
        using var body = JsonDocument.Parse(text);
        var choice = body.RootElement.GetProperty("choices")[0];
        var function = choice.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function");
        return (choice.GetProperty("finish_reason").GetString(), function.GetProperty("name").GetString(), function.GetProperty("arguments").GetString()!);
    }

    /// <summary>The SDKs' way: the call's name from its first delta, its arguments concatenated over the deltas.</summary>
    private static (string? Finish, string? Name, string Arguments) FromStream(string text)
    {
        string? finish = null;
        string? name = null;
        var arguments = new StringBuilder();
        foreach (string line in text.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)))
        {
            using var chunk = JsonDocument.Parse(line["data: ".Length..]);
            var choice = chunk.RootElement.GetProperty("choices")[0];
            if (choice.TryGetProperty("finish_reason", out var reason) && reason.ValueKind == JsonValueKind.String)
            {
                finish = reason.GetString();
            }

            if (choice.GetProperty("delta").TryGetProperty("tool_calls", out var calls))
            {
                var function = calls[0].GetProperty("function");
                name ??= function.TryGetProperty("name", out var n) ? n.GetString() : null;
                arguments.Append(function.TryGetProperty("arguments", out var a) ? a.GetString() : "");
            }
        }

        return (finish, name, arguments.ToString());
    }

    private static Task<HttpResponseMessage> PostAsync(string json) =>
        Http.PostAsync(new Uri(_server.BaseAddress, "/v1/chat/completions"), new StringContent(json, Encoding.UTF8, "application/json"));
}
