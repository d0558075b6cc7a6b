using System.Net;
using System.Net.Http.Headers;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Hub;

/// <summary>
/// The two requests the downloader makes: HEAD on a resolve address for a file's commit, etag and size (read from
/// the hub's 302 itself for LFS files, whose bytes live behind the redirect), and a GET (with Range when resuming)
/// for its bytes. Redirects are followed by hand so that the headers of the 302 stay visible and the token is only
/// ever sent to the hub's own host.
/// </summary>
internal sealed class HubHttpClient : IDisposable
{
    private const int MaxRedirects = 5;

    private readonly HubOptions _options;
    private readonly HttpClient _client;

    public HubHttpClient(HubOptions options)
    {
        _options = options;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            MaxConnectionsPerServer = Math.Max(options.Parallelism, 2),
        };
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The file's metadata, or null when the hub answers 404 for the file itself (not for the repo or revision).</summary>
    public async Task<RemoteFile?> GetMetadataAsync(HubRequest request, CancellationToken cancellationToken)
    {
        var url = ResolveUrl(request);
        for (int hop = 0; hop <= MaxRedirects; hop++)
        {
            using var response = await SendAsync(HttpMethod.Head, url, 0, cancellationToken).ConfigureAwait(false);
            if (IsRedirect(response) && !HasFileHeaders(response))
            {
                // A renamed repository answers with a redirect to its new resolve address.
                url = new Uri(url, response.Headers.Location!);
                continue;
            }

            if (HubErrors.IsEntryNotFound(response))
            {
                return null;
            }

            if (!response.IsSuccessStatusCode && !IsRedirect(response))
            {
                throw HubErrors.ForResponse(response, request, _options.Token is not null);
            }

            return ReadMetadata(response, url, request);
        }

        throw new Qwen3OnnxException($"too many redirects resolving {request.File} of {request.RepoId}");
    }

    /// <summary>Starts the GET of a file's bytes from <paramref name="offset"/>; the answer says where its body really starts.</summary>
    public async Task<BlobResponse> OpenBlobAsync(string repoId, RemoteFile file, long offset, CancellationToken cancellationToken)
    {
        var url = file.DownloadUri;
        for (int hop = 0; hop <= MaxRedirects; hop++)
        {
            var response = await SendAsync(HttpMethod.Get, url, offset, cancellationToken).ConfigureAwait(false);
            if (IsRedirect(response) && response.Headers.Location is { } location)
            {
                response.Dispose();
                url = new Uri(url, location);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && offset > 0)
            {
                response.Dispose();
                offset = 0;
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    throw HubErrors.ForResponse(response, new HubRequest(repoId, file.Commit, file.Path), _options.Token is not null);
                }
            }

            return new BlobResponse(response, response.StatusCode == HttpStatusCode.PartialContent ? offset : 0);
        }

        throw new Qwen3OnnxException($"too many redirects downloading {file.Path} from {file.DownloadUri}");
    }

    public void Dispose() => _client.Dispose();

    private Uri ResolveUrl(HubRequest request)
    {
        string file = string.Join('/', request.File.Split('/').Select(Uri.EscapeDataString));
        string endpoint = _options.Endpoint.AbsoluteUri.TrimEnd('/');
        return new Uri($"{endpoint}/{request.RepoId}/resolve/{Uri.EscapeDataString(request.Revision)}/{file}");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, long offset, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(method, url);
        message.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        message.Headers.UserAgent.Add(new ProductInfoHeaderValue("qwen3-onnx", "1.0"));
        if (_options.Token is { } token && IsHubHost(url))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (offset > 0)
        {
            message.Headers.Range = new RangeHeaderValue(offset, null);
        }

        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new TransientHubException($"{method} {url}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientHubException($"{method} {url} timed out", ex);
        }

        if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            response.Dispose();
            throw new TransientHubException($"HTTP {(int)response.StatusCode} from {method} {url}");
        }

        return response;
    }

    private bool IsHubHost(Uri url) =>
        string.Equals(url.Host, _options.Endpoint.Host, StringComparison.OrdinalIgnoreCase) && url.Port == _options.Endpoint.Port;

    private static RemoteFile ReadMetadata(HttpResponseMessage response, Uri url, HubRequest request)
    {
        string? linkedEtag = Header(response, "X-Linked-Etag");
        string? commit = Header(response, "X-Repo-Commit");
        string? etag = linkedEtag ?? Header(response, "ETag");
        long? size = long.TryParse(Header(response, "X-Linked-Size"), out long linkedSize)
            ? linkedSize
            : response.Content.Headers.ContentLength;
        if (commit is null || etag is null || size is null)
        {
            throw new Qwen3OnnxException(
                $"the answer for {request.File} of {request.RepoId} lacks X-Repo-Commit, ETag or size headers; is {url.GetLeftPart(UriPartial.Authority)} a Hugging Face hub?");
        }

        var downloadUri = IsRedirect(response) ? new Uri(url, response.Headers.Location!) : url;
        return new RemoteFile(request.File, commit, NormalizeEtag(etag), size.Value, downloadUri, linkedEtag is not null);
    }

    /// <summary>ETag values come as <c>"abc"</c> or weak <c>W/"abc"</c>; the cache names blobs by the bare value.</summary>
    internal static string NormalizeEtag(string etag)
    {
        string value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.OrdinalIgnoreCase))
        {
            value = value[2..];
        }

        return value.Trim('"');
    }

    private static bool IsRedirect(HttpResponseMessage response) =>
        (int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is not null;

    private static bool HasFileHeaders(HttpResponseMessage response) =>
        Header(response, "X-Repo-Commit") is not null && (Header(response, "X-Linked-Etag") ?? Header(response, "ETag")) is not null;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;
}
