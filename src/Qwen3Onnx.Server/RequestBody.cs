using Microsoft.AspNetCore.Http;

namespace Qwen3Onnx.Server;

/// <summary>
/// Reads a JSON request body: another media type is a 415, too large a 413 (Kestrel's limit), bytes that are not
/// UTF-8 a 400 — checked here, before any string is read from it, so bad bytes never surface as a 500.
/// </summary>
internal static class RequestBody
{
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpContext context)
    {
        RequireJson(context.Request.ContentType);
        using var buffer = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ApiException(413, "request body is too large", code: "request_too_large");
        }

        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            throw new ApiException(400, "request body is not valid UTF-8", code: "invalid_json");
        }

        return body;
    }

    private static void RequireJson(string? contentType)
    {
        bool json = Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
            && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            && (media.Charset.Length == 0 || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
        if (!json)
        {
            throw new ApiException(415, $"request body must be JSON (Content-Type: application/json), not '{contentType ?? "none"}'", code: "unsupported_media_type");
        }
    }
}
