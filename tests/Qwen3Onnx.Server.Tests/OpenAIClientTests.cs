using System.ClientModel;
using System.Text;
using OpenAI;
using OpenAI.Chat;
using Qwen3Onnx.Demo;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Tokenization;
using Role = Qwen3Onnx.Runtime.Tokenization.ChatMessageRole;
using TemplateMessage = Qwen3Onnx.Runtime.Tokenization.ChatMessage;

namespace Qwen3Onnx.Server.Tests;

[TestClass]
public sealed class OpenAIClientTests
{
    private const int MaxTokens = 24;
    private static Qwen3Server _server = null!;
    private static ChatClient _client = null!;

    [ClassInitialize]
    public static async Task Start(TestContext context)
    {
        _ = context;
        _server = await Qwen3Server.StartAsync(DemoModel.Options());
        var options = new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") };
        _client = new ChatClient(_server.ModelName, new ApiKeyCredential("unused"), options);
    }

    [ClassCleanup]
    public static async Task Stop() => await _server.DisposeAsync();

    [TestMethod]
    public void NonStreamingGreedyChatMatchesTheGeneratorAlone()
    {
        var expected = Expected("Tell me about the sea.");

        ChatCompletion completion = _client.CompleteChat(
            [new SystemChatMessage("You are terse."), new UserChatMessage("Tell me about the sea.")],
            new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = MaxTokens }).Value;

        Assert.AreEqual(DemoModel.AnswerText(expected), string.Concat(completion.Content.Select(part => part.Text)));
        Assert.AreEqual(expected.Count, completion.Usage.OutputTokenCount);
        Assert.AreEqual(ChatFinishReason.Length, completion.FinishReason);
    }

    [TestMethod]
    public async Task StreamingGreedyChatMatchesTheGeneratorAlone()
    {
        var expected = Expected("Tell me about the sea.");
        var text = new StringBuilder();
        ChatFinishReason? finish = null;

        await foreach (var update in _client.CompleteChatStreamingAsync(
            [new SystemChatMessage("You are terse."), new UserChatMessage("Tell me about the sea.")],
            new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = MaxTokens }))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(part => part.Text)));
            finish = update.FinishReason ?? finish;
        }

        Assert.AreEqual(DemoModel.AnswerText(expected), text.ToString());
        Assert.AreEqual(ChatFinishReason.Length, finish);
    }

    [TestMethod]
    public void ADeveloperMessageIsRenderedAsTheSystemMessage()
    {
        var expected = Expected("Tell me about the sea.");

        ChatCompletion completion = _client.CompleteChat(
#pragma warning disable OPENAI001 // The SDK marks DeveloperChatMessage experimental; clients send it all the same.
            [new DeveloperChatMessage("You are terse."), new UserChatMessage("Tell me about the sea.")],
#pragma warning restore OPENAI001
            new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = MaxTokens }).Value;

        Assert.AreEqual(DemoModel.AnswerText(expected), string.Concat(completion.Content.Select(part => part.Text)));
        Assert.AreEqual(Prompt("Tell me about the sea.", null).Length, completion.Usage.InputTokenCount);
    }

    [TestMethod]
    public void TheSdkRetrievesTheServedModel()
    {
        var models = new OpenAI.Models.OpenAIModelClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });

        var model = models.GetModel(_server.ModelName).Value;

        Assert.AreEqual(_server.ModelName, model.Id);
        Assert.AreEqual("qwen3-onnx", model.OwnedBy);
    }

    [TestMethod]
    public void ChatWithToolsRendersThemIntoThePrompt()
    {
        const string Schema = "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}";
        var tool = Qwen3Onnx.Runtime.Tokenization.ChatTool.Function("get_weather", "Weather in a city", System.Text.Json.JsonDocument.Parse(Schema).RootElement);
        var template = new ChatTemplateOptions { Tools = [tool] };
        var expected = Expected("Weather in Paris?", template);
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = MaxTokens };
        options.Tools.Add(OpenAI.Chat.ChatTool.CreateFunctionTool("get_weather", "Weather in a city", BinaryData.FromString(Schema)));

        ChatCompletion completion = _client.CompleteChat(
            [new SystemChatMessage("You are terse."), new UserChatMessage("Weather in Paris?")], options).Value;

        Assert.AreEqual(DemoModel.AnswerText(expected), string.Concat(completion.Content.Select(part => part.Text)));
        Assert.AreEqual(Prompt("Weather in Paris?", template).Length, completion.Usage.InputTokenCount);
    }

    private static int[] Prompt(string user, ChatTemplateOptions? template) => DemoModel.Tokenizer.EncodeChat(
        [new TemplateMessage(Role.System, "You are terse."), new TemplateMessage(Role.User, user)], template);

    private static IReadOnlyList<int> Expected(string user, ChatTemplateOptions? template = null)
    {
        var ids = DemoModel.GenerateAlone(Prompt(user, template), new SamplingOptions { Greedy = true }, MaxTokens);
        Assert.IsFalse(ids.Any(id => id >= DemoTokenizerFiles.BaseVocabularySize), "the reference continuation should be plain text for this test");
        return ids;
    }
}
