using Microsoft.Extensions.AI;
using Qwen3Onnx.Runtime.Chat;
using Qwen3Onnx.Runtime.Tests.Api;

namespace Qwen3Onnx.Runtime.Tests.Chat;

[TestClass]
public sealed class Qwen3ChatClientTests
{
    private static readonly ChatOptions Seeded = new() { Temperature = 0.8f, TopK = 40, Seed = 5, MaxOutputTokens = 24 };

    [TestMethod]
    public async Task ANonStreamedResponseCarriesTextUsageFinishReasonAndModelId()
    {
        using var client = new Qwen3ChatClient(Qwen3Model.Load(TestModels.Demo), ownsModel: true);

        var response = await client.GetResponseAsync("Tell me about robots.", Seeded);

        Assert.AreEqual("demo", response.ModelId);
        Assert.AreEqual(ChatRole.Assistant, response.Messages[0].Role);
        Assert.IsNotNull(response.Usage);
        Assert.IsInRange(1L, 24L, response.Usage.OutputTokenCount!.Value);
        Assert.IsGreaterThan(0L, response.Usage.InputTokenCount!.Value);
        Assert.AreEqual(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
        Assert.AreEqual(response.Usage.OutputTokenCount == 24 ? ChatFinishReason.Length : ChatFinishReason.Stop, response.FinishReason);
    }

    [TestMethod]
    public async Task StreamedUpdatesAddUpToTheNonStreamedResponse()
    {
        using var client = new Qwen3ChatClient(Qwen3Model.Load(TestModels.Demo), ownsModel: true);
        List<Microsoft.Extensions.AI.ChatMessage> messages = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hello there!")];

        var response = await client.GetResponseAsync(messages, Seeded);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, Seeded))
        {
            updates.Add(update);
        }

        var streamed = updates.ToChatResponse();
        Assert.AreEqual(response.Text, streamed.Text);
        Assert.AreEqual(response.FinishReason, streamed.FinishReason);
        Assert.AreEqual(response.Usage!.OutputTokenCount, streamed.Usage!.OutputTokenCount);
        Assert.AreEqual(response.Usage.InputTokenCount, streamed.Usage.InputTokenCount);
    }

    [TestMethod]
    public async Task StopSequencesAndMaxOutputTokensApply()
    {
        using var client = new Qwen3ChatClient(Qwen3Model.Load(TestModels.Demo), ownsModel: true);
        var full = await client.GetResponseAsync("Say something.", Seeded);
        string text = full.Text;
        Assert.IsGreaterThan(4, text.Length, "the seeded answer must be long enough to cut");
        string stop = text.Substring(3, 2);

        var cut = await client.GetResponseAsync("Say something.", new ChatOptions { Temperature = 0.8f, TopK = 40, Seed = 5, MaxOutputTokens = 24, StopSequences = [stop] });

        Assert.AreEqual(text[..text.IndexOf(stop, StringComparison.Ordinal)], cut.Text);
        Assert.AreEqual(ChatFinishReason.Stop, cut.FinishReason);
    }

    [TestMethod]
    public void GetServiceReturnsMetadataTheModelAndTheClient()
    {
        using var model = Qwen3Model.Load(TestModels.Demo);
        using var client = new Qwen3ChatClient(model);

        Assert.AreEqual("demo", client.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.AreSame(model, client.GetService<Qwen3Model>());
        Assert.AreSame(client, client.GetService<IChatClient>());
        Assert.IsNull(client.GetService<ChatClientMetadata>("some key"));
    }
}
