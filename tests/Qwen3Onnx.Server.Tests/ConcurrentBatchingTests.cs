using System.Text.Json;
using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Server.Tests;

[TestClass]
public sealed class ConcurrentBatchingTests
{
    private const int Requests = 16;
    private static readonly HttpClient Http = new();
    private static Qwen3Server _server = null!;

    [ClassInitialize]
    public static async Task Start(TestContext context)
    {
        _ = context;
        _server = await Qwen3Server.StartAsync(DemoModel.Options(maxBatch: Requests, maxQueue: Requests));
    }

    [ClassCleanup]
    public static async Task Stop() => await _server.DisposeAsync();

    [TestMethod]
    public async Task ConcurrentStreamsGetWhatTheyGetAloneAndAreBatched()
    {
        var alone = new SseReader.Result[Requests];
        for (int i = 0; i < Requests; i++)
        {
            alone[i] = await StreamAsync(i);
        }

        var together = await Task.WhenAll(Enumerable.Range(0, Requests).Select(StreamAsync));

        for (int i = 0; i < Requests; i++)
        {
            Assert.IsTrue(together[i].Done, $"request {i} ended without [DONE]");
            Assert.AreEqual(alone[i], together[i], $"request {i}");
            if (IsGreedy(i))
            {
                var ids = DemoModel.GenerateAlone(DemoModel.Tokenizer.Encode(Prompt(i)), new SamplingOptions { Greedy = true }, MaxTokens(i));
                Assert.AreEqual(DemoModel.VisibleText(ids), together[i].Text, $"greedy request {i} against the generator");
                Assert.AreEqual(ids.Count, together[i].CompletionTokens, $"greedy request {i} token count");
            }
        }

        using var metrics = JsonDocument.Parse(await Http.GetStringAsync(new Uri(_server.BaseAddress, "/metrics")));
        Assert.IsGreaterThan(1, metrics.RootElement.GetProperty("max_concurrent_rows").GetInt32());
        Assert.AreEqual(0, metrics.RootElement.GetProperty("active_rows").GetInt32());
    }

    private static bool IsGreedy(int i) => i % 2 == 0;

    private static int MaxTokens(int i) => 6 + i;

    private static string Prompt(int i) => $"Story number {i}: once upon a time there was a {(i % 3 == 0 ? "king" : "small boat")} that";

    private static async Task<SseReader.Result> StreamAsync(int i)
    {
        string sampling = IsGreedy(i)
            ? "\"temperature\": 0"
            : $"\"temperature\": 0.8, \"top_p\": 0.9, \"top_k\": 20, \"min_p\": 0.02, \"seed\": {1000 + i}, \"presence_penalty\": 0.5";
        string body = $$"""
            {"model": "{{_server.ModelName}}", "prompt": {{JsonSerializer.Serialize(Prompt(i))}}, "max_tokens": {{MaxTokens(i)}},
             "stream": true, "stream_options": {"include_usage": true}, {{sampling}}}
            """;
        using var response = await Http.SendAsync(SseReader.Post(_server.BaseAddress, "/v1/completions", body), HttpCompletionOption.ResponseHeadersRead);
        Assert.AreEqual(System.Net.HttpStatusCode.OK, response.StatusCode, await Body(response));
        return await SseReader.ReadCompletionAsync(response);
    }

    private static async Task<string> Body(HttpResponseMessage response) =>
        response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync();
}
