using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Qwen3Onnx.Hub.Tests.FakeHub;

/// <summary>
/// A Kestrel server on 127.0.0.1 (random free port) that answers like the Hugging Face hub:
/// <c>/{org}/{name}/resolve/{revision}/{file}</c> with X-Repo-Commit and ETag; for LFS files a 302 to
/// <c>/cdn/{sha256}</c> carrying X-Linked-Etag / X-Linked-Size; HEAD and Range requests; 401 (GatedRepo) without the
/// token on a gated repo; 404 with X-Error-Code for unknown repos, revisions and files. It counts requests and body
/// bytes, and can drop a connection midway or corrupt a file's bytes.
/// </summary>
internal sealed class FakeHubServer : IAsyncDisposable
{
    public const string Token = "hf_test_token";

    private readonly WebApplication _app;
    private readonly Dictionary<string, FakeRepo> _repos;
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentDictionary<string, long> _bytesServed = new();
    private readonly ConcurrentDictionary<string, long> _dropAfter = new();
    private readonly ConcurrentDictionary<string, bool> _corrupt = new();

    private FakeHubServer(WebApplication app, IEnumerable<FakeRepo> repos)
    {
        _app = app;
        _repos = repos.ToDictionary(repo => repo.RepoId, StringComparer.Ordinal);
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every request so far as "METHOD /path [Range]".</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<FakeHubServer> StartAsync(params FakeRepo[] repos)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeHubServer(app, repos);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Endpoint = new Uri(address);
        return server;
    }

    /// <summary>Body bytes sent for a file, over all requests.</summary>
    public long BytesServed(string file) => _bytesServed.GetValueOrDefault(file);

    /// <summary>The next GET of <paramref name="file"/>'s bytes sends <paramref name="bytes"/> bytes and then drops the connection.</summary>
    public void DropConnectionOnce(string file, long bytes) => _dropAfter[file] = bytes;

    /// <summary>Every GET of <paramref name="file"/>'s bytes serves them with one byte changed (same length, wrong sha256).</summary>
    public void Corrupt(string file) => _corrupt[file] = true;

    public void ClearCounters()
    {
        _requests.Clear();
        _bytesServed.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        _requests.Enqueue($"{request.Method} {request.Path}{request.QueryString} {request.Headers.Range}".TrimEnd());
        string[] parts = (request.Path.Value ?? "").Trim('/').Split('/');
        return parts switch
        {
            ["cdn", var sha256] => ServeCdnAsync(context, sha256),
            [var org, var name, "resolve", var revision, .. var file] when file.Length > 0 =>
                ResolveAsync(context, $"{org}/{name}", Uri.UnescapeDataString(revision), string.Join('/', file.Select(Uri.UnescapeDataString))),
            _ => ErrorAsync(context, HttpStatusCode.NotFound, null),
        };
    }

    private Task ResolveAsync(HttpContext context, string repoId, string revision, string fileName)
    {
        if (!_repos.TryGetValue(repoId, out var repo))
        {
            return ErrorAsync(context, HttpStatusCode.NotFound, "RepoNotFound");
        }

        if (repo.Gated && context.Request.Headers.Authorization != $"Bearer {Token}")
        {
            return ErrorAsync(context, HttpStatusCode.Unauthorized, "GatedRepo");
        }

        if (revision != "main" && revision != repo.Commit)
        {
            return ErrorAsync(context, HttpStatusCode.NotFound, "RevisionNotFound");
        }

        if (!repo.Files.TryGetValue(fileName, out var file))
        {
            return ErrorAsync(context, HttpStatusCode.NotFound, "EntryNotFound");
        }

        context.Response.Headers["X-Repo-Commit"] = repo.Commit;
        return file.IsLfs ? RedirectToCdnAsync(context, file) : ServeBytesAsync(context, file, $"\"{file.GitSha1}\"");
    }

    private static Task RedirectToCdnAsync(HttpContext context, FakeFile file)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status302Found;
        response.Headers.Location = $"{context.Request.Scheme}://{context.Request.Host}/cdn/{file.Sha256}?name={Uri.EscapeDataString(file.Name)}";
        response.Headers["X-Linked-Etag"] = $"\"{file.Sha256}\"";
        response.Headers["X-Linked-Size"] = file.Content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The hub's own ETag on the redirect is the LFS pointer's git sha1; clients must prefer X-Linked-Etag.
        response.Headers.ETag = $"\"{file.GitSha1}\"";
        response.ContentLength = 0;
        return Task.CompletedTask;
    }

    private Task ServeCdnAsync(HttpContext context, string sha256)
    {
        var file = _repos.Values.SelectMany(repo => repo.Files.Values).FirstOrDefault(f => f.IsLfs && f.Sha256 == sha256);
        return file is null ? ErrorAsync(context, HttpStatusCode.NotFound, null) : ServeBytesAsync(context, file, $"\"{file.Sha256}\"");
    }

    private async Task ServeBytesAsync(HttpContext context, FakeFile file, string etag)
    {
        var response = context.Response;
        long start = RangeStart(context.Request);
        byte[] content = _corrupt.ContainsKey(file.Name) ? Corrupted(file.Content) : file.Content;
        response.Headers.ETag = etag;
        response.Headers.AcceptRanges = "bytes";
        response.ContentLength = content.Length - start;
        if (start > 0)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {start}-{content.Length - 1}/{content.Length}";
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        long count = content.Length - start;
        bool drop = _dropAfter.TryRemove(file.Name, out long dropAfter) && dropAfter < count;
        await WriteCountedAsync(context, file.Name, content.AsMemory((int)start, (int)(drop ? dropAfter : count)));
        if (drop)
        {
            // An abort sends a TCP reset, which discards bytes the client has not read yet; give it time to read
            // them so that "dropped after N bytes" means the client really holds N bytes.
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            context.Abort();
        }
    }

    private async Task WriteCountedAsync(HttpContext context, string fileName, ReadOnlyMemory<byte> bytes)
    {
        // Counted before sending: the client may finish reading before this handler resumes after the write.
        _bytesServed.AddOrUpdate(fileName, bytes.Length, (_, sum) => sum + bytes.Length);
        await context.Response.Body.WriteAsync(bytes);
        await context.Response.Body.FlushAsync();
    }

    private static long RangeStart(HttpRequest request)
    {
        string range = request.Headers.Range.ToString();
        return range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-')
            ? long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture)
            : 0;
    }

    private static byte[] Corrupted(byte[] content)
    {
        byte[] copy = [.. content];
        copy[copy.Length / 2] ^= 0xFF;
        return copy;
    }

    private static Task ErrorAsync(HttpContext context, HttpStatusCode status, string? errorCode)
    {
        context.Response.StatusCode = (int)status;
        if (errorCode is not null)
        {
            context.Response.Headers["X-Error-Code"] = errorCode;
        }

        return Task.CompletedTask;
    }
}
