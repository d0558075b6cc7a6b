namespace Qwen3Onnx.Hub.Tests.FakeHub;

/// <summary>Downloader options aimed at a <see cref="FakeHubServer"/>, with retries quick enough for tests.</summary>
internal static class FakeHubOptions
{
    public static HubOptions For(FakeHubServer server, string cacheDirectory) => new()
    {
        Endpoint = server.Endpoint,
        CacheDirectory = cacheDirectory,
        Parallelism = 3,
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
    };
}
