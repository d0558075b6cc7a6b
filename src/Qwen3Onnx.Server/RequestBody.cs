using Microsoft.AspNetCore.Http;

namespace Qwen3Onnx.Server;

/// <summary>Reads a request body within Kestrel's size limit; too large is a 413.</summary>
internal static class RequestBody
{
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ApiException(413, "request body is too large", code: "request_too_large");
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
