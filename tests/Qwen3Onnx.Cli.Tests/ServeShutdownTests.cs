using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Qwen3Onnx.Cli.Demo;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Cli.Tests;

/// <summary>
/// <c>serve</c> under 64 running streams, then SIGTERM: the process exits 0 within <c>--shutdown-timeout</c> + 2 s,
/// every stream ends with <c>[DONE]</c> (after its finish reason or an error event), and a request after the signal
/// gets 503 in the OpenAI error shape.
/// </summary>
[TestClass]
public sealed class ServeShutdownTests
{
    private const int Streams = 64;
    private const double GraceSeconds = 2;

    [TestMethod]
    public async Task SigtermUnder64StreamsDrainsEndsEveryStreamAndExitsZeroInTime()
    {
        string root = Directory.CreateTempSubdirectory("qwen3onnx-cli-serve-").FullName;
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        try
        {
            string model = DemoModel.EnsureBuilt(Path.Combine(root, "demo"), TextWriter.Null);
            using var process = CliProcess.Start(
                new Dictionary<string, string>(),
                "serve", "--model", model, "--port", "0", "--max-batch", "8", "--max-queue", "64", "--shutdown-timeout", GraceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var stderr = process.StandardError.ReadToEndAsync();
            var (address, name) = await ServingAddressAsync(process);

            var started = Enumerable.Range(0, Streams).Select(_ => new TaskCompletionSource()).ToArray();
            var streams = Enumerable.Range(0, Streams).Select(i => ReadStreamAsync(http, address, name, started[i])).ToArray();
            await Task.WhenAll(started.Select(s => s.Task)).WaitAsync(TimeSpan.FromSeconds(60));

            var clock = Stopwatch.StartNew();
            await CliProcess.SignalAsync(process, "TERM");
            using (var late = await http.PostAsync(new Uri(address, "/v1/chat/completions"), Json(name, stream: false)))
            {
                Assert.AreEqual(HttpStatusCode.ServiceUnavailable, late.StatusCode);
                using var body = JsonDocument.Parse(await late.Content.ReadAsStringAsync());
                Assert.AreEqual("server_shutting_down", body.RootElement.GetProperty("error").GetProperty("code").GetString());
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            clock.Stop();
            string[] events = await Task.WhenAll(streams);

            Assert.AreEqual(0, process.ExitCode, await stderr);
            Assert.IsLessThan(TimeSpan.FromSeconds(GraceSeconds + 2), clock.Elapsed, "exit took longer than --shutdown-timeout + 2 s");
            int cut = 0;
            foreach (string text in events)
            {
                StringAssert.EndsWith(text, "data: [DONE]\n\n", "a stream ended without [DONE]");
                string last = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[^2];
                bool error = last.Contains("\"server_shutting_down\"", StringComparison.Ordinal);
                Assert.IsTrue(error || last.Contains("\"finish_reason\":\"", StringComparison.Ordinal), $"the last event before [DONE] is neither a finish nor an error: {last}");
                cut += error ? 1 : 0;
            }

            Assert.IsGreaterThan(0, cut, "no stream outlived the grace period, so the test did not exercise cutting one");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Reads the <c>serving 'NAME' on http://HOST:PORT (…)</c> line.</summary>
    private static async Task<(Uri Address, string Name)> ServingAddressAsync(Process process)
    {
        string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.IsNotNull(line, "serve ended before it listened");
        _ = process.StandardOutput.ReadToEndAsync();
        var match = System.Text.RegularExpressions.Regex.Match(line, "^serving '(?<name>[^']+)' on (?<address>http://[^ ]+) ");
        Assert.IsTrue(match.Success, line);
        return (new Uri(match.Groups["address"].Value), match.Groups["name"].Value);
    }

    /// <summary>The raw event stream of one long greedy chat completion; <paramref name="started"/> is set at its first event.</summary>
    private static async Task<string> ReadStreamAsync(HttpClient http, Uri address, string name, TaskCompletionSource started)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, "/v1/chat/completions")) { Content = Json(name, stream: true) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var text = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            text.Append(line).Append('\n');
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        }

        return text.ToString();
    }

    private static StringContent Json(string name, bool stream) => new(
        $$"""{"model": "{{name}}", "messages": [{"role": "user", "content": "Tell me a long story."}], "temperature": 0, "max_tokens": 1500, "stream": {{(stream ? "true" : "false")}}}""",
        Encoding.UTF8,
        "application/json");
}
