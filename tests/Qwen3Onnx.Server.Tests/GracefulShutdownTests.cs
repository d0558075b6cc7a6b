using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Qwen3Onnx.Server.Tests;

/// <summary>
/// A shutdown drains: requests after it get 503 in the error shape, a stream that can finish within the grace period
/// does, and one that cannot ends with an error event and <c>[DONE]</c> once the grace period is over.
/// </summary>
[TestClass]
public sealed class GracefulShutdownTests
{
    private static readonly HttpClient Http = new();
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1.5);

    [TestMethod]
    public async Task RunningStreamsFinishOrEndWithAnErrorEventAndNewRequestsGet503()
    {
        // 20 ms a step: 30 tokens take 0.6 s (inside the grace period), 400 tokens take 8 s (far outside it).
        var server = await Qwen3Server.StartAsync(DemoModel.Options(maxBatch: 2, maxQueue: 2) with { AfterStep = _ => Thread.Sleep(20), ShutdownTimeout = Grace });
        await using (server)
        {
            var shortStarted = new TaskCompletionSource();
            var longStarted = new TaskCompletionSource();
            var shortStream = StreamAsync(server, 30, shortStarted);
            var longStream = StreamAsync(server, 400, longStarted);
            await Task.WhenAll(shortStarted.Task, longStarted.Task).WaitAsync(TimeSpan.FromSeconds(30));

            var clock = Stopwatch.StartNew();
            var shutdown = server.ShutdownAsync();
            using (var late = await Http.SendAsync(SseReader.Post(server.BaseAddress, "/v1/completions", Body(server, 3, stream: false))))
            {
                Assert.AreEqual(HttpStatusCode.ServiceUnavailable, late.StatusCode);
                using var error = JsonDocument.Parse(await late.Content.ReadAsStringAsync());
                Assert.AreEqual("server_shutting_down", error.RootElement.GetProperty("error").GetProperty("code").GetString());
                Assert.AreEqual("server_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
            }

            var finished = await shortStream;
            var cut = await longStream;
            await shutdown;
            clock.Stop();

            Assert.AreEqual("length", finished.FinishReason);
            Assert.IsNull(finished.ErrorCode);
            Assert.IsTrue(finished.Done);
            Assert.AreEqual("server_shutting_down", cut.ErrorCode);
            Assert.IsNull(cut.FinishReason);
            Assert.IsTrue(cut.Done, "a stream cut by the shutdown still ends with [DONE]");
            Assert.IsGreaterThanOrEqualTo(Grace, clock.Elapsed, "the long stream was cut before its grace period was over");
            Assert.IsLessThan(Grace + TimeSpan.FromSeconds(2), clock.Elapsed);
        }
    }

    [TestMethod]
    public async Task DisposingEndsAQueuedNonStreamingRequestWith503()
    {
        var server = await Qwen3Server.StartAsync(DemoModel.Options(maxBatch: 1, maxQueue: 1) with { AfterStep = _ => Thread.Sleep(20) });
        HttpResponseMessage queued;
        await using (server)
        {
            var started = new TaskCompletionSource();
            var running = StreamAsync(server, 400, started);
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var waiting = Http.SendAsync(SseReader.Post(server.BaseAddress, "/v1/completions", Body(server, 3, stream: false)));
            await MetricsEndpoint.WaitUntilAsync(async () => await MetricsEndpoint.ReadAsync(Http, server.BaseAddress, "requests") == 2, "the second request was not admitted within 10 s");
            await server.DisposeAsync();
            queued = await waiting;
            Assert.AreEqual("server_shutting_down", (await running).ErrorCode);
        }

        using (queued)
        {
            Assert.AreEqual(HttpStatusCode.ServiceUnavailable, queued.StatusCode);
            using var error = JsonDocument.Parse(await queued.Content.ReadAsStringAsync());
            Assert.AreEqual("server_shutting_down", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        }
    }

    private static async Task<SseReader.Result> StreamAsync(Qwen3Server server, int maxTokens, TaskCompletionSource started)
    {
        using var response = await Http.SendAsync(SseReader.Post(server.BaseAddress, "/v1/completions", Body(server, maxTokens, stream: true)), HttpCompletionOption.ResponseHeadersRead);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        return await SseReader.ReadCompletionAsync(response, () =>
        {
            started.TrySetResult();
            return Task.CompletedTask;
        });
    }

    private static string Body(Qwen3Server server, int maxTokens, bool stream) =>
        $$"""{"model": "{{server.ModelName}}", "prompt": "The long road", "max_tokens": {{maxTokens}}, "temperature": 0, "stream": {{(stream ? "true" : "false")}}}""";
}
