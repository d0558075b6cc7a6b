using Microsoft.AspNetCore.Http;

namespace Qwen3Onnx.Server;

/// <summary>
/// Wraps every request: checks the bearer key on <c>/v1</c> and <c>/metrics</c> when one is set, and turns refusals
/// (<see cref="ApiException"/>) and bad HTTP input into OpenAI error objects, so bad input never becomes a 500:
/// 400 malformed JSON or field, 401 missing/wrong key, 404 unknown model or path, 405 wrong method, 413 body over the
/// limit, 415 not JSON, 429 batch and queue full, 503 shutting down.
/// </summary>
internal static class ApiGuard
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next, string? apiKey, Func<bool> draining)
    {
        try
        {
            if (draining())
            {
                // Keep-alive clients should take their next request elsewhere.
                context.Response.Headers.Connection = "close";
                throw ApiException.ShuttingDown();
            }

            RequireKey(context, apiKey);
            await next(context);
            if (!context.Response.HasStarted && context.Response.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed)
            {
                // Routing answers an unknown path or method with an empty body; clients expect the error object.
                await ResponseJson.WriteErrorAsync(context, context.Response.StatusCode == StatusCodes.Status404NotFound
                    ? new ApiException(404, $"no such endpoint: {context.Request.Path}", code: "unknown_url")
                    : new ApiException(405, $"{context.Request.Method} is not allowed on {context.Request.Path}", code: "method_not_allowed"));
            }
        }
        catch (ApiException ex) when (!context.Response.HasStarted)
        {
            await ResponseJson.WriteErrorAsync(context, ex);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            await ResponseJson.WriteErrorAsync(context, new ApiException(ex.StatusCode, ex.Message.ReplaceLineEndings(" ")));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; its row was cancelled and there is nobody to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            await ResponseJson.WriteErrorAsync(context, ApiException.From(ex));
        }
    }

    private static void RequireKey(HttpContext context, string? apiKey)
    {
        bool guarded = context.Request.Path.StartsWithSegments("/v1") || context.Request.Path.StartsWithSegments("/metrics");
        if (apiKey is null || !guarded)
        {
            return;
        }

        string? header = context.Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.Ordinal) || !FixedTimeEquals(header["Bearer ".Length..].Trim(), apiKey))
        {
            throw new ApiException(401, "missing or invalid API key (send 'Authorization: Bearer KEY')", type: "invalid_request_error", code: "invalid_api_key");
        }
    }

    private static bool FixedTimeEquals(string given, string expected) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(expected));
}
