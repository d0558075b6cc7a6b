using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Qwen3Onnx.Server;

/// <summary>
/// The OpenAI-compatible HTTP server: <c>/v1/chat/completions</c>, <c>/v1/completions</c>, <c>/v1/models</c>,
/// <c>/health</c> and <c>/metrics</c> over one model and its engine (continuous batching).
/// </summary>
public sealed class Qwen3Server : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServedModel _model;
    private readonly TimeSpan _shutdownTimeout;
    private readonly SemaphoreSlim _shutdownGate = new(1, 1);
    private bool _stopped;
    private int _disposed;

    private Qwen3Server(WebApplication app, ServedModel model, ServerMetrics metrics, TimeSpan shutdownTimeout)
    {
        _app = app;
        _model = model;
        _shutdownTimeout = shutdownTimeout;
        Metrics = metrics;
    }

    public ServerMetrics Metrics { get; }

    public string ModelName => _model.Name;

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:8080</c> (the real port when 0 was asked).</summary>
    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Loads the model and starts listening; returns once requests are accepted.</summary>
    public static async Task<Qwen3Server> StartAsync(ServerOptions options, CancellationToken cancellation = default)
    {
        options.Validate();
        var metrics = new ServerMetrics();
        var model = ServedModel.Open(options, metrics);
        var app = Build(options);
        var server = new Qwen3Server(app, model, metrics, options.ShutdownTimeout);
        server.MapRoutes(options);
        await app.StartAsync(cancellation);
        return server;
    }

    /// <summary>
    /// The graceful stop (SIGTERM): from now on every request gets 503, while the listener stays open so that clients
    /// hear it; running and queued requests get up to <see cref="ServerOptions.ShutdownTimeout"/> to finish, then the
    /// rest end with an error (streams with a final error event and <c>[DONE]</c>); then the listener closes.
    /// </summary>
    public Task ShutdownAsync() => StopAsync(_shutdownTimeout);

    /// <summary>Stops at once: what is still running ends as after a shutdown's grace period.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync(TimeSpan.Zero);
        await _app.DisposeAsync();
        _model.Dispose();
        _shutdownGate.Dispose();
    }

    private async Task StopAsync(TimeSpan grace)
    {
        await _shutdownGate.WaitAsync();
        try
        {
            if (_stopped)
            {
                return;
            }

            await _model.Engine.DrainAsync(grace);
            await _app.StopAsync();
            _stopped = true;
        }
        finally
        {
            _shutdownGate.Release();
        }
    }

    private static WebApplication Build(ServerOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();

        // Once the scheduler has ended every row, responses finish within milliseconds; a client that stopped reading
        // must not hold the exit for Kestrel's default 30 s.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Listen(ListenAddress(options.Host), options.Port);
        });
        return builder.Build();
    }

    private static IPAddress ListenAddress(string host) => host switch
    {
        "localhost" => IPAddress.Loopback,
        "*" or "0.0.0.0" => IPAddress.Any,
        _ => IPAddress.TryParse(host, out var address) ? address : throw new Models.Qwen3OnnxException($"serve: --host '{host}' is not an IP address"),
    };

    private void MapRoutes(ServerOptions options)
    {
        _app.Use(next => context => ApiGuard.InvokeAsync(context, next, options.ApiKey, () => _model.Engine.IsDraining));
        _app.MapGet("/health", () => Results.Json(new { status = "ok" }));
        _app.MapGet("/metrics", () => Results.Json(Metrics.Snapshot()));
        _app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { ModelObject() } }));
        _app.MapGet("/v1/models/{id}", (string id) => id == _model.Name
            ? Results.Json(ModelObject())
            : throw ApiException.UnknownModel(id, _model.Name));
        _app.MapPost("/v1/chat/completions", context => CompleteAsync(context, chat: true));
        _app.MapPost("/v1/completions", context => CompleteAsync(context, chat: false));
    }

    private object ModelObject() => new { id = _model.Name, @object = "model", created = 0, owned_by = "qwen3-onnx", max_model_len = _model.ContextLength };

    private async Task CompleteAsync(HttpContext context, bool chat)
    {
        using var document = RequestFields.ParseObject(await RequestBody.ReadAsync(context));
        var root = document.RootElement;
        var settings = chat ? ChatRequestReader.Read(root, _model) : CompletionRequestReader.Read(root, _model);
        await new CompletionResponder(context, _model, settings, chat).RespondAsync(_model.Engine);
    }
}
