using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using Qwen3Onnx.Demo;
using Qwen3Onnx.Runtime;
using Qwen3Onnx.Runtime.Chat;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Tokenization;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using Role = Qwen3Onnx.Runtime.Tokenization.ChatMessageRole;
using TemplateMessage = Qwen3Onnx.Runtime.Tokenization.ChatMessage;

namespace Qwen3Onnx.Server.Tests;

/// <summary>
/// The server seen through <see cref="IChatClient"/> (Microsoft.Extensions.AI over the official OpenAI client) must
/// answer greedy chat with the tokens the runtime produces in process: the generator alone and <see cref="Qwen3ChatClient"/>.
/// </summary>
[TestClass]
public sealed class ChatClientOverHttpTests
{
    private const int MaxTokens = 24;
    private const string System = "You are terse.";
    private const string User = "Tell me about the sea.";
    private static Qwen3Server _server = null!;
    private static IChatClient _http = null!;
    private static IChatClient _inProcess = null!;

    [ClassInitialize]
    public static async Task Start(TestContext context)
    {
        _ = context;
        _server = await Qwen3Server.StartAsync(DemoModel.Options());
        var options = new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") };
        _http = new OpenAI.Chat.ChatClient(_server.ModelName, new ApiKeyCredential("unused"), options).AsIChatClient();
        _inProcess = new Qwen3ChatClient(Qwen3Model.Load(DemoModel.Folder), ownsModel: true);
    }

    [ClassCleanup]
    public static async Task Stop()
    {
        _http.Dispose();
        _inProcess.Dispose();
        await _server.DisposeAsync();
    }

    [TestMethod]
    public async Task NonStreamingGreedyChatMatchesTheRuntime()
    {
        var expected = Expected();

        var response = await _http.GetResponseAsync(Messages(), Greedy());

        Assert.AreEqual(DemoModel.AnswerText(expected), response.Text);
        Assert.AreEqual(expected.Count, response.Usage?.OutputTokenCount);
        Assert.AreEqual(ChatFinishReason.Length, response.FinishReason);
        AssertSameAsInProcess(await _inProcess.GetResponseAsync(Messages(), Greedy()), response);
    }

    [TestMethod]
    public async Task StreamingSeededChatIsByteIdenticalToTheRuntime()
    {
        var updates = new List<ChatResponseUpdate>();

        await foreach (var update in _http.GetStreamingResponseAsync(Messages(), Seeded()))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        Assert.IsGreaterThan(2, updates.Count(update => update.Text.Length > 0), "the text should arrive in pieces");
        Assert.AreEqual(MaxTokens, response.Usage?.OutputTokenCount);
        AssertSameAsInProcess(await _inProcess.GetStreamingResponseAsync(Messages(), Seeded()).ToChatResponseAsync(), response);
    }

    [TestMethod]
    public async Task SeededChatIsByteIdenticalToTheRuntime()
    {
        var response = await _http.GetResponseAsync(Messages(), Seeded());

        Assert.IsGreaterThan(MaxTokens / 2, response.Text.Length);
        AssertSameAsInProcess(await _inProcess.GetResponseAsync(Messages(), Seeded()), response);
    }

    /// <summary>Same tokens, and the one text layer both use: the same answer, reasoning and finish reason.</summary>
    private static void AssertSameAsInProcess(ChatResponse inProcess, ChatResponse overHttp)
    {
        Assert.AreEqual(inProcess.Usage?.OutputTokenCount, overHttp.Usage?.OutputTokenCount);
        Assert.AreEqual(inProcess.Text, overHttp.Text);
        Assert.AreEqual(Reasoning(inProcess), Reasoning(overHttp));
        Assert.AreEqual(inProcess.FinishReason, overHttp.FinishReason);
    }

    private static string Reasoning(ChatResponse response) =>
        string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(c => c.Text));

    private static AiChatMessage[] Messages() => [new(ChatRole.System, System), new(ChatRole.User, User)];

    private static ChatOptions Greedy() => new() { Temperature = 0, MaxOutputTokens = MaxTokens };

    private static ChatOptions Seeded() => new() { Temperature = 1.2f, Seed = 20261207, MaxOutputTokens = MaxTokens };

    private static IReadOnlyList<int> Expected()
    {
        int[] prompt = DemoModel.Tokenizer.EncodeChat([new TemplateMessage(Role.System, System), new TemplateMessage(Role.User, User)]);
        var ids = DemoModel.GenerateAlone(prompt, new SamplingOptions { Greedy = true }, MaxTokens);
        Assert.IsFalse(ids.Any(id => id >= DemoTokenizerFiles.BaseVocabularySize), "the reference continuation should be plain text for this test");
        return ids;
    }
}
