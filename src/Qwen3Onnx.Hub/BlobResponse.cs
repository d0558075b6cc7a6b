namespace Qwen3Onnx.Hub;

/// <summary>An open GET of a file's bytes and the offset its body starts at (0 when the server ignored the Range).</summary>
internal sealed class BlobResponse(HttpResponseMessage response, long startOffset) : IDisposable
{
    public long StartOffset { get; } = startOffset;

    public async Task<Stream> OpenBodyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new TransientHubException($"reading {response.RequestMessage?.RequestUri}: {ex.Message}", ex);
        }
    }

    public void Dispose() => response.Dispose();
}
