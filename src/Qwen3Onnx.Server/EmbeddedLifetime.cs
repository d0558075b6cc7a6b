using Microsoft.Extensions.Hosting;

namespace Qwen3Onnx.Server;

/// <summary>
/// A host lifetime that leaves signals alone. ASP.NET Core's console lifetime stops Kestrel at the first SIGTERM,
/// which closes the listener (new requests are refused instead of answered 503) and cuts running streams after its
/// own timeout without a final event; <see cref="Qwen3Server.ShutdownAsync"/> drains instead, when its owner says so.
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
