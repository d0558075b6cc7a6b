using System.Text.Json;

namespace Qwen3Onnx.Server.Tests;

/// <summary>Reads the server's <c>/metrics</c> counters and waits for them to reach a state.</summary>
internal static class MetricsEndpoint
{
    public static async Task<long> ReadAsync(HttpClient http, Uri server, string name)
    {
        using var metrics = JsonDocument.Parse(await http.GetStringAsync(new Uri(server, "/metrics")));
        return metrics.RootElement.GetProperty(name).GetInt64();
    }

    /// <summary>Polls <paramref name="condition"/> every 25 ms for up to 10 s, then fails with <paramref name="failure"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        for (int attempt = 0; attempt < 400; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail(failure);
    }
}
