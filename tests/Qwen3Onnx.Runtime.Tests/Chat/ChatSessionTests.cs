using Qwen3Onnx.Runtime.Chat;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Tests.Api;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Tests.Chat;

[TestClass]
public sealed class ChatSessionTests
{
    private static readonly GenerationOptions Options = new() { MaxNewTokens = 12, Sampling = new SamplingOptions { Temperature = 0.9f, Seed = 3 } };

    [TestMethod]
    public async Task HistoryKeepsTheSystemPromptAndEachAnswer()
    {
        using var model = Qwen3Model.Load(TestModels.Demo);
        var chat = new ChatSession(model, "You are terse.", Options);

        var first = await chat.SendAsync("Hi!");
        var second = await chat.SendAsync("Again.");

        var expected = new[]
        {
            new ChatMessage(ChatMessageRole.System, "You are terse."),
            new ChatMessage(ChatMessageRole.User, "Hi!"),
            new ChatMessage(ChatMessageRole.Assistant, first.Text),
            new ChatMessage(ChatMessageRole.User, "Again."),
            new ChatMessage(ChatMessageRole.Assistant, second.Text),
        };
        CollectionAssert.AreEqual(expected, chat.History.ToArray());
        Assert.AreEqual(model.EncodeChat(expected[..4]).Length, second.Usage.PromptTokens);
    }

    [TestMethod]
    public async Task ResetKeepsOnlyTheSystemPrompt()
    {
        using var model = Qwen3Model.Load(TestModels.Demo);
        var chat = new ChatSession(model, "You are terse.", Options);
        await chat.SendAsync("Hi!");

        chat.Reset();

        CollectionAssert.AreEqual(new[] { new ChatMessage(ChatMessageRole.System, "You are terse.") }, chat.History.ToArray());
    }

    [TestMethod]
    public async Task ACancelledTurnLeavesTheHistoryAsItWas()
    {
        using var model = Qwen3Model.Load(TestModels.Demo);
        var chat = new ChatSession(model, options: Options);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAsync<OperationCanceledException>(() => chat.SendAsync("Hi!", cancelled.Token));

        Assert.IsEmpty(chat.History);
    }
}
