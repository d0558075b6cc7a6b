using System.ClientModel;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Server.Tests;

/// <summary>
/// Tool choice and response formats through the official OpenAI .NET SDK and raw HTTP, on random weights with the
/// real tokenizer: whatever the weights, a forced call is a call whose arguments validate, and a JSON answer parses
/// and validates. Sampled with fixed seeds, so every run checks the same answers.
/// </summary>
[TestClass]
public sealed class ConstrainedDecodingTests
{
    private const string WeatherSchema = """
        {"type": "object", "properties": {
            "city": {"type": "string", "enum": ["Paris", "Zürich", "New York"]},
            "days": {"type": "integer"},
            "hourly": {"type": "boolean"},
            "units": {"anyOf": [{"type": "string", "enum": ["metric", "imperial"]}, {"type": "null"}]}},
         "required": ["city", "days", "hourly", "units"], "additionalProperties": false}
        """;

    private const string TimeSchema = """{"type": "object", "properties": {"zone": {"type": "string", "maxLength": 6}}, "required": ["zone"], "additionalProperties": false}""";

    private const string AnswerSchema = """
        {"type": "object", "properties": {
            "answer": {"type": "string", "maxLength": 24},
            "confidence": {"type": "number"},
            "sources": {"type": "array", "items": {"type": "string", "maxLength": 8}, "minItems": 1, "maxItems": 3}},
         "required": ["answer", "confidence", "sources"], "additionalProperties": false}
        """;

    private static Qwen3Server _server = null!;
    private static ChatClient _client = null!;
    private static readonly HttpClient Http = new();

    [ClassInitialize]
    public static async Task Start(TestContext context)
    {
        _ = context;
        _server = await Qwen3Server.StartAsync(RealTokenizerModel.Options());
        _client = new ChatClient(_server.ModelName, new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });
    }

    [ClassCleanup]
    public static async Task Stop() => await _server.DisposeAsync();

    [TestMethod]
    [DataRow(1L)]
    [DataRow(2L)]
    [DataRow(3L)]
    public void ARequiredToolCallComesBackAsToolCallsWithArgumentsTheSchemaValidates(long seed)
    {
        var options = Options(seed);
        options.ToolChoice = ChatToolChoice.CreateRequiredChoice();

        ChatCompletion completion = _client.CompleteChat([new UserChatMessage("What's the weather in Paris, and the time?")], options).Value;

        Assert.AreEqual(ChatFinishReason.ToolCalls, completion.FinishReason);
        Assert.IsNotEmpty(completion.ToolCalls);
        foreach (var call in completion.ToolCalls)
        {
            string schema = call.FunctionName switch { "get_weather" => WeatherSchema, "get_time" => TimeSchema, var other => throw new AssertFailedException($"unknown tool {other}") };
            AssertValid(call.FunctionArguments.ToString(), schema);
            Assert.StartsWith("call_", call.Id);
        }
    }

    [TestMethod]
    public async Task AForcedFunctionStreamsOneCallToThatFunction()
    {
        var options = Options(seed: 4);
        options.ToolChoice = ChatToolChoice.CreateFunctionChoice("get_time");
        var calls = new Dictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        ChatFinishReason? finish = null;

        await foreach (var update in _client.CompleteChatStreamingAsync([new UserChatMessage("Time?")], options))
        {
            foreach (var part in update.ToolCallUpdates)
            {
                var call = calls.TryGetValue(part.Index, out var known) ? known : (null, null, new StringBuilder());
                calls[part.Index] = (part.ToolCallId ?? call.Item1, part.FunctionName ?? call.Item2, call.Item3.Append(part.FunctionArgumentsUpdate?.ToString()));
            }

            finish = update.FinishReason ?? finish;
        }

        Assert.AreEqual(ChatFinishReason.ToolCalls, finish);
        Assert.HasCount(1, calls);
        Assert.AreEqual("get_time", calls[0].Name);
        Assert.StartsWith("call_", calls[0].Id!);
        AssertValid(calls[0].Arguments.ToString(), TimeSchema);
    }

    [TestMethod]
    [DataRow(5L)]
    [DataRow(6L)]
    public void AStrictJsonSchemaAnswerValidates(long seed)
    {
        var options = Options(seed);
        options.Tools.Clear();
        options.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("answer", BinaryData.FromString(AnswerSchema), jsonSchemaIsStrict: true);

        ChatCompletion completion = _client.CompleteChat([new UserChatMessage("Answer in JSON.")], options).Value;

        Assert.AreEqual(ChatFinishReason.Stop, completion.FinishReason);
        AssertValid(completion.Content[0].Text, AnswerSchema);
    }

    [TestMethod]
    public async Task AJsonObjectAnswerParsesStreamedAndNot()
    {
        string body = $$"""{"model": "{{_server.ModelName}}", "messages": [{"role": "user", "content": "JSON please"}], "response_format": {"type": "json_object"}, "seed": 8, "temperature": 0.7, "max_tokens": 400, "enable_thinking": false}""";
        using var whole = await Http.PostAsync(new Uri(_server.BaseAddress, "/v1/chat/completions"), new StringContent(body, Encoding.UTF8, "application/json"));
        string text = await whole.Content.ReadAsStringAsync();
        Assert.AreEqual(System.Net.HttpStatusCode.OK, whole.StatusCode, text);
        using var answer = JsonDocument.Parse(text);
        var choice = answer.RootElement.GetProperty("choices")[0];
        Assert.IsTrue(choice.GetProperty("message").TryGetProperty("content", out var contentField), text);
        string content = contentField.GetString()!;

        using var streamed = await Http.PostAsync(new Uri(_server.BaseAddress, "/v1/chat/completions"), new StringContent(body.Replace("\"seed\"", "\"stream\": true, \"seed\""), Encoding.UTF8, "application/json"));
        var events = await SseReader.ReadCompletionAsync(streamed);

        Assert.AreEqual("stop", choice.GetProperty("finish_reason").GetString(), content);
        using var parsed = JsonDocument.Parse(content);
        Assert.AreEqual(JsonValueKind.Object, parsed.RootElement.ValueKind);
        Assert.AreEqual(content, events.Text, "the same seed streamed gives the same answer");
        Assert.AreEqual("stop", events.FinishReason);
    }

    [TestMethod]
    public void ToolChoiceNoneNeverReturnsCalls()
    {
        var options = Options(seed: 9);
        options.ToolChoice = ChatToolChoice.CreateNoneChoice();
        options.MaxOutputTokenCount = 48;

        ChatCompletion completion = _client.CompleteChat([new UserChatMessage("Weather?")], options).Value;

        Assert.IsEmpty(completion.ToolCalls);
        Assert.AreNotEqual(ChatFinishReason.ToolCalls, completion.FinishReason);
        Assert.DoesNotContain("<tool_call>", completion.Content.Count > 0 ? completion.Content[0].Text : "");
    }

    [TestMethod]
    public void AToolResultGoesBackIntoTheConversation()
    {
        var options = Options(seed: 10);
        options.ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather");
        ChatCompletion first = _client.CompleteChat([new UserChatMessage("Weather in Paris?")], options).Value;
        var call = first.ToolCalls.Single();

        options.ToolChoice = ChatToolChoice.CreateNoneChoice();
        options.MaxOutputTokenCount = 8;
        ChatCompletion second = _client.CompleteChat(
            [new UserChatMessage("Weather in Paris?"), new AssistantChatMessage(first.ToolCalls), new ToolChatMessage(call.Id, "{\"temperature\": 21}")], options).Value;

        Assert.IsGreaterThan(first.Usage.InputTokenCount, second.Usage.InputTokenCount, "the call and its result are part of the second prompt");
    }

    [TestMethod]
    public void LogprobsComeBackWithTopLogprobsAndRespectTheGrammarsMask()
    {
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 12, IncludeLogProbabilities = true, TopLogProbabilityCount = 5 };
        options.ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat();
#pragma warning disable SCME0001
        options.Patch.Set("$.enable_thinking"u8, false);
#pragma warning restore SCME0001

        ChatCompletion completion = _client.CompleteChat([new UserChatMessage("JSON")], options).Value;

        var tokens = completion.ContentTokenLogProbabilities;
        int endToken = completion.FinishReason == ChatFinishReason.Stop ? 1 : 0;
        Assert.HasCount(completion.Usage.OutputTokenCount - endToken, tokens, "one entry per generated token but the end-of-sequence token");
        Assert.AreEqual(completion.Content[0].Text, string.Concat(tokens.Select(t => t.Token)));
        Assert.StartsWith("{", tokens[0].Token.TrimStart());
        foreach (var token in tokens)
        {
            Assert.HasCount(5, token.TopLogProbabilities);
            Assert.AreEqual(token.TopLogProbabilities[0].Token, token.Token, "greedy takes the most likely token");
            Assert.AreEqual(token.TopLogProbabilities[0].LogProbability, token.LogProbability);
            CollectionAssert.AreEqual(token.TopLogProbabilities.Select(t => t.LogProbability).OrderDescending().ToArray(), token.TopLogProbabilities.Select(t => t.LogProbability).ToArray());
            Assert.IsLessThanOrEqualTo(1.0 + 1e-4, token.TopLogProbabilities.Sum(t => Math.Exp(t.LogProbability)));
        }

        // At the first step only '{' (after optional whitespace) is allowed: anything else has no probability.
        Assert.IsTrue(tokens[0].TopLogProbabilities.All(t => t.LogProbability == -9999f || t.Token.TrimStart(' ', '\n', '\t').StartsWith('{') || t.Token.Trim().Length == 0));
    }

    private static ChatCompletionOptions Options(long seed)
    {
#pragma warning disable OPENAI001 // The SDK marks Seed experimental; the server honours it.
        var options = new ChatCompletionOptions { Temperature = 0.8f, MaxOutputTokenCount = 300, Seed = seed };
#pragma warning restore OPENAI001
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather forecast for a city", BinaryData.FromString(WeatherSchema)));
        options.Tools.Add(ChatTool.CreateFunctionTool("get_time", "Local time in a zone", BinaryData.FromString(TimeSchema)));
#pragma warning disable SCME0001 // Patch is how the SDK sends fields it has no property for.
        options.Patch.Set("$.enable_thinking"u8, false);
#pragma warning restore SCME0001
        return options;
    }

    private static void AssertValid(string json, string schema)
    {
        var errors = SchemaValidation.Errors(json, schema);
        Assert.IsEmpty(errors, $"{string.Join("; ", errors)} in {json}");
    }
}
