using Qwen3Onnx.Models;

namespace Qwen3Onnx.Hub;

/// <summary>
/// The one place that reads the Hugging Face environment variables, with the Python client's defaults:
/// HF_ENDPOINT, HF_TOKEN (else the token file HF_TOKEN_PATH or HF_HOME/token), HF_HUB_CACHE
/// (else HF_HOME/hub, else XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub) and HF_HUB_OFFLINE.
/// </summary>
public static class HubEnvironment
{
    private static readonly string[] TruthyValues = ["1", "ON", "YES", "TRUE"];

    public static HubOptions ReadOptions(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        string hfHome = HfHome(getVariable);
        return new HubOptions
        {
            Endpoint = Endpoint(getVariable("HF_ENDPOINT")),
            Token = Token(getVariable, hfHome),
            CacheDirectory = NonEmpty(getVariable("HF_HUB_CACHE")) is { } cache ? ExpandHome(cache) : Path.Combine(hfHome, "hub"),
            Offline = IsTruthy(getVariable("HF_HUB_OFFLINE")),
        };
    }

    private static string HfHome(Func<string, string?> getVariable)
    {
        if (NonEmpty(getVariable("HF_HOME")) is { } hfHome)
        {
            return ExpandHome(hfHome);
        }

        string cacheHome = NonEmpty(getVariable("XDG_CACHE_HOME")) is { } xdg
            ? ExpandHome(xdg)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cacheHome, "huggingface");
    }

    private static Uri Endpoint(string? value)
    {
        if (NonEmpty(value) is not { } text)
        {
            return HubOptions.DefaultEndpoint;
        }

        if (!Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var endpoint))
        {
            throw new Qwen3OnnxException($"HF_ENDPOINT '{text}' is not an absolute URL");
        }

        return endpoint;
    }

    private static string? Token(Func<string, string?> getVariable, string hfHome)
    {
        if (NonEmpty(getVariable("HF_TOKEN")) is { } token)
        {
            return token.Trim();
        }

        string tokenFile = NonEmpty(getVariable("HF_TOKEN_PATH")) is { } path ? ExpandHome(path) : Path.Combine(hfHome, "token");
        return File.Exists(tokenFile) ? NonEmpty(File.ReadAllText(tokenFile).Trim()) : null;
    }

    private static bool IsTruthy(string? value) =>
        value is not null && TruthyValues.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/'))
            : path;
}
