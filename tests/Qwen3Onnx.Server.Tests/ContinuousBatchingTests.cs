using System.Text.Json;
using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Server.Tests;

/// <summary>Slow steps hold a long stream open while a second request arrives; it must join the running batch.</summary>
[TestClass]
public sealed class ContinuousBatchingTests
{
    private const string LongPrompt = "Once upon a time a small boat sailed";
    private const string ShortPrompt = "The king said";
    private static readonly HttpClient Http = new();
    private static Qwen3Server _server = null!;

    [ClassInitialize]
    public static async Task Start(TestContext context)
    {
        _ = context;
        // 60 ms steps keep the 64-token stream open ~4 s: time enough for the second request to be parsed and queued on a
        // busy 2-core machine (at 20 ms it sometimes finished first there).
        _server = await Qwen3Server.StartAsync(DemoModel.Options(maxBatch: 4, maxQueue: 4) with { AfterStep = _ => Thread.Sleep(60) });
    }

    [ClassCleanup]
    public static async Task Stop() => await _server.DisposeAsync();

    [TestMethod]
    public async Task ARequestArrivingMidStreamJoinsTheRunningBatchAndBothGetTheirTokensAlone()
    {
        var longAlone = Alone(LongPrompt, 64);
        var shortAlone = Alone(ShortPrompt, 12);
        Assert.HasCount(64, longAlone, "the long reference continuation should run to its limit, so that it is still decoding when the second request comes");
        long joinedBefore = await Metric("rows_joined_mid_batch");
        Task<SseReader.Result>? second = null;

        var first = await StreamAsync(LongPrompt, 64, async () =>
        {
            second = StreamAsync(ShortPrompt, 12);
            await MetricsEndpoint.WaitUntilAsync(async () => await Metric("rows_joined_mid_batch") > joinedBefore, "the second request did not join the running batch within 10 s");
        });
        var joined = await second!;

        Assert.AreEqual(joinedBefore + 1, await Metric("rows_joined_mid_batch"));
        Assert.AreEqual(new SseReader.Result(DemoModel.VisibleText(longAlone), "length", longAlone.Count, Done: true), first);
        Assert.AreEqual(DemoModel.VisibleText(shortAlone), joined.Text);
        Assert.AreEqual(shortAlone.Count, joined.CompletionTokens);
        Assert.AreEqual(0, await Metric("active_rows"));
    }

    private static IReadOnlyList<int> Alone(string prompt, int maxTokens) =>
        DemoModel.GenerateAlone(DemoModel.Tokenizer.Encode(prompt), new SamplingOptions { Greedy = true }, maxTokens);

    private static async Task<SseReader.Result> StreamAsync(string prompt, int maxTokens, Func<Task>? afterFirstEvent = null)
    {
        string body = $$"""
            {"model": "{{_server.ModelName}}", "prompt": {{JsonSerializer.Serialize(prompt)}}, "max_tokens": {{maxTokens}},
             "temperature": 0, "stream": true, "stream_options": {"include_usage": true} }
            """;
        using var response = await Http.SendAsync(SseReader.Post(_server.BaseAddress, "/v1/completions", body), HttpCompletionOption.ResponseHeadersRead);
        Assert.AreEqual(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await SseReader.ReadCompletionAsync(response, afterFirstEvent);
    }

    private static Task<long> Metric(string name) => MetricsEndpoint.ReadAsync(Http, _server.BaseAddress, name);
}
