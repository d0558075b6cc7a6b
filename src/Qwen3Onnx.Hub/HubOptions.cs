using Qwen3Onnx.Models;

namespace Qwen3Onnx.Hub;

/// <summary>
/// Where and how the hub client talks to the Hugging Face hub and its cache. Validated once, when a
/// <see cref="HubModelResolver"/> is built; <see cref="FromEnvironment"/> reads the standard HF_* variables.
/// </summary>
public sealed record HubOptions
{
    public static Uri DefaultEndpoint { get; } = new("https://huggingface.co");

    /// <summary>The hub's base address (HF_ENDPOINT).</summary>
    public Uri Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>Bearer token for gated or private repositories (HF_TOKEN); null sends none.</summary>
    public string? Token { get; init; }

    /// <summary>The hub cache root shared with the Python client (HF_HUB_CACHE).</summary>
    public required string CacheDirectory { get; init; }

    /// <summary>Never touch the network (HF_HUB_OFFLINE=1).</summary>
    public bool Offline { get; init; }

    /// <summary>How many files download at the same time.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>How many times a request is repeated after a 5xx answer or a dropped connection.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The first wait between retries; it doubles after each failed attempt.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public static HubOptions FromEnvironment() => HubEnvironment.ReadOptions(Environment.GetEnvironmentVariable);

    /// <summary>Throws a one-line <see cref="Qwen3OnnxException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new Qwen3OnnxException($"hub endpoint '{Endpoint}' is not an absolute http(s) address (HF_ENDPOINT)");
        }

        if (string.IsNullOrWhiteSpace(CacheDirectory))
        {
            throw new Qwen3OnnxException("hub cache directory is empty (HF_HUB_CACHE / HF_HOME)");
        }

        if (Parallelism < 1)
        {
            throw new Qwen3OnnxException($"hub download parallelism must be at least 1, got {Parallelism}");
        }

        if (MaxRetries < 0 || RetryBaseDelay < TimeSpan.Zero)
        {
            throw new Qwen3OnnxException($"hub retries must be non-negative, got {MaxRetries} retries after {RetryBaseDelay}");
        }
    }
}
