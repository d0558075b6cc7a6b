using System.Net;
using System.Text.Json;

namespace Qwen3Onnx.Server.Tests;

/// <summary>One row, one queue place, and slow steps, so a long stream holds the batch while the test acts.</summary>
[TestClass]
public sealed class AdmissionTests
{
    private static readonly HttpClient Http = new();
    private static Qwen3Server _server = null!;

    [ClassInitialize]
    public static async Task Start(TestContext context)
    {
        _ = context;
        _server = await Qwen3Server.StartAsync(DemoModel.Options(maxBatch: 1, maxQueue: 1) with { AfterStep = _ => Thread.Sleep(20) });
    }

    [ClassCleanup]
    public static async Task Stop() => await _server.DisposeAsync();

    [TestMethod]
    public async Task DisconnectMidStreamFreesTheRow()
    {
        long cancelledBefore = await Metric("cancelled");
        using (var stream = await StartLongStreamAsync())
        {
            Assert.AreEqual(1, await Metric("active_rows"));
        }

        await MetricsEndpoint.WaitUntilAsync(async () => await Metric("active_rows") == 0 && await Metric("cancelled") > cancelledBefore, "the server did not reach the expected state within 10 s");
        using var next = await Http.SendAsync(SseReader.Post(_server.BaseAddress, "/v1/completions", Body(maxTokens: 3, stream: false)));
        Assert.AreEqual(HttpStatusCode.OK, next.StatusCode);
    }

    [TestMethod]
    public async Task RequestsBeyondBatchAndQueueGet429()
    {
        long admittedBefore = await Metric("requests");
        var running = await StartLongStreamAsync();
        var queued = Http.SendAsync(SseReader.Post(_server.BaseAddress, "/v1/completions", Body(maxTokens: 3, stream: false)));
        await MetricsEndpoint.WaitUntilAsync(async () => await Metric("requests") >= admittedBefore + 2 && !queued.IsCompleted, "the server did not reach the expected state within 10 s");

        using var refused = await Http.SendAsync(SseReader.Post(_server.BaseAddress, "/v1/completions", Body(maxTokens: 3, stream: false)));
        Assert.AreEqual(HttpStatusCode.TooManyRequests, refused.StatusCode);
        using var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.AreEqual("rate_limit_exceeded", error.RootElement.GetProperty("error").GetProperty("code").GetString());

        running.Dispose();
        using var served = await queued;
        Assert.AreEqual(HttpStatusCode.OK, served.StatusCode);
    }

    private static string Body(int maxTokens, bool stream) =>
        $$"""{"model": "{{_server.ModelName}}", "prompt": "The long road", "max_tokens": {{maxTokens}}, "temperature": 0, "stream": {{(stream ? "true" : "false")}}}""";

    /// <summary>A stream of hundreds of slow steps, returned once its first event has arrived (the row is running).</summary>
    private static async Task<HttpResponseMessage> StartLongStreamAsync()
    {
        var response = await Http.SendAsync(SseReader.Post(_server.BaseAddress, "/v1/completions", Body(maxTokens: 400, stream: true)), HttpCompletionOption.ResponseHeadersRead);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync() ?? "");
        return response;
    }

    private static Task<long> Metric(string name) => MetricsEndpoint.ReadAsync(Http, _server.BaseAddress, name);
}
