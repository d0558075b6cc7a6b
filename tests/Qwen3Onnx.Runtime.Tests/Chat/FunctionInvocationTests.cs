using System.Text.Json;
using Microsoft.Extensions.AI;
using Qwen3Onnx.Runtime.Chat;
using Qwen3Onnx.Runtime.Tests.Api;
using Qwen3Onnx.Runtime.Tokenization;
using Qwen3Onnx.Testing;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Qwen3Onnx.Runtime.Tests.Chat;

/// <summary>
/// <see cref="Qwen3ChatClient"/> under Microsoft.Extensions.AI's function invocation, on random weights with the
/// real tokenizer: a required call arrives as <see cref="FunctionCallContent"/> with arguments the C# function
/// binds, the function runs, and its result goes back into the next prompt.
/// </summary>
[TestClass]
public sealed class FunctionInvocationTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public enum Units
    {
        Metric,
        Imperial,
    }

    [TestMethod]
    [DataRow(1L, ChatTemplateChoice.Qwen3)]
    [DataRow(2L, ChatTemplateChoice.Qwen3)]
    [DataRow(1L, ChatTemplateChoice.Qwen3Coder)]
    [DataRow(2L, ChatTemplateChoice.Qwen3Coder)]
    public async Task UseFunctionInvocationCallsTheFunctionWithValidArgumentsAndCompletesTheTurn(long seed, ChatTemplateChoice template)
    {
        // long: the schema bounds no integer, and random weights write long ones (14545475995405 under Coder's template, seed 1).
        var calls = new List<(long Days, Units Units)>();
        var forecast = AIFunctionFactory.Create(
            ([System.ComponentModel.Description("Days ahead, 1 to 7")] long days, Units units) =>
            {
                calls.Add((days, units));
                return $"sunny for {days} days";
            },
            "get_forecast",
            "Weather forecast");
        using var model = Qwen3Model.Load(TestModels.RealVocabulary, chatTemplate: template);
        using var client = new ChatClientBuilder(new Qwen3ChatClient(model)).UseFunctionInvocation(configure: f => f.MaximumIterationsPerRequest = 2).Build();
        var options = new ChatOptions
        {
            Tools = [forecast],
            ToolMode = ChatToolMode.RequireAny,
            Temperature = 0.8f,
            Seed = seed,
            MaxOutputTokens = 200,
            AdditionalProperties = new() { [ChatOptionsMapping.EnableThinkingKey] = false },
        };

        // After the call the middleware asks again with the tool mode back at Auto, so the turn can finish.
        var response = await client.GetResponseAsync([new AiChatMessage(ChatRole.User, "Forecast please")], options);

        Assert.IsNotEmpty(calls, "the function should have been invoked");
        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().First();
        var result = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().First();
        Assert.AreEqual(call.CallId, result.CallId);
        Assert.AreEqual($"sunny for {calls[0].Days} days", result.Result?.ToString());
        var errors = SchemaValidation.Errors(JsonSerializer.Serialize(call.Arguments, Web), forecast.JsonSchema.GetRawText());
        Assert.IsEmpty(errors, string.Join("; ", errors));
    }

    [TestMethod]
    public async Task ASchemaTheDecoderCannotEnforceIsRefusedNamingTheOptionThatSetIt()
    {
        using var model = Qwen3Model.Load(TestModels.RealVocabulary);
        IChatClient client = new Qwen3ChatClient(model);
        var pattern = JsonDocument.Parse("""{"type": "object", "properties": {"id": {"type": "string", "pattern": "^[a-z]+$"}}}""").RootElement;
        var tool = AIFunctionFactory.Create((int count) => count, "tally", "Counts");
        var options = new ChatOptions
        {
            ResponseFormat = ChatResponseFormat.ForJsonSchema(pattern, "thing"),
            Tools = [tool],
            MaxOutputTokens = 4,
        };

        var refusal = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync([new AiChatMessage(ChatRole.User, "Hi")], options));

        Assert.StartsWith("ChatOptions.ResponseFormat: schema 'thing' #/properties/id: 'pattern' is not supported", refusal.Message);
    }

    [TestMethod]
    public async Task AJsonResponseFormatYieldsJson()
    {
        using var model = Qwen3Model.Load(TestModels.RealVocabulary);
        IChatClient client = new Qwen3ChatClient(model);
        var schema = JsonDocument.Parse("""{"type": "object", "properties": {"ok": {"type": "boolean"}, "n": {"type": "integer"}}, "required": ["ok", "n"], "additionalProperties": false}""").RootElement;
        var options = new ChatOptions
        {
            ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "status"),
            Temperature = 0.8f,
            Seed = 3,
            MaxOutputTokens = 100,
            AdditionalProperties = new() { [ChatOptionsMapping.EnableThinkingKey] = false },
        };

        var response = await client.GetResponseAsync([new AiChatMessage(ChatRole.User, "Status?")], options);

        Assert.AreEqual(ChatFinishReason.Stop, response.FinishReason);
        var errors = SchemaValidation.Errors(response.Text, schema.GetRawText());
        Assert.IsEmpty(errors, $"{string.Join("; ", errors)} in {response.Text}");
    }

    [TestMethod]
    [DataRow(ChatTemplateChoice.Qwen3)]
    [DataRow(ChatTemplateChoice.Qwen3Coder)]
    public async Task AStreamedRequiredCallArrivesAsFunctionCallContent(ChatTemplateChoice template)
    {
        using var model = Qwen3Model.Load(TestModels.RealVocabulary, chatTemplate: template);
        IChatClient client = new Qwen3ChatClient(model);
        var tool = AIFunctionFactory.Create((Units units, bool daily) => $"{units} {daily}", "lookup", "Look the units up");
        var options = new ChatOptions
        {
            Tools = [tool],
            ToolMode = ChatToolMode.RequireSpecific("lookup"),
            Temperature = 0.8f,
            Seed = 5,
            MaxOutputTokens = 300,
            AdditionalProperties = new() { [ChatOptionsMapping.EnableThinkingKey] = false },
        };

        var response = await client.GetStreamingResponseAsync([new AiChatMessage(ChatRole.User, "Where?")], options).ToChatResponseAsync();

        Assert.AreEqual(ChatFinishReason.ToolCalls, response.FinishReason);
        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        Assert.AreEqual("lookup", call.Name);
        Assert.IsInstanceOfType<JsonElement>(call.Arguments!["units"]);
        Assert.IsInstanceOfType<JsonElement>(call.Arguments!["daily"]);
    }
}
