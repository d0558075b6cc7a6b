using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Qwen3Onnx.Server;

/// <summary>Writes JSON bodies and server-sent events; absent (null) fields are left out, as OpenAI does.</summary>
internal static class ResponseJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Task WriteAsync(HttpContext http, int status, object body)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(body, Options);
    }

    /// <summary>Error objects keep their null <c>param</c> and <c>code</c>: clients expect all four fields.</summary>
    public static Task WriteErrorAsync(HttpContext http, ApiException error)
    {
        http.Response.StatusCode = error.Status;
        return http.Response.WriteAsJsonAsync(error.ToBody());
    }

    public static void StartEvents(HttpContext http)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
    }

    public static async Task WriteEventAsync(HttpContext http, object payload)
    {
        await http.Response.WriteAsync($"data: {JsonSerializer.Serialize(payload, Options)}\n\n");
        await http.Response.Body.FlushAsync();
    }

    public static async Task WriteDoneAsync(HttpContext http)
    {
        await http.Response.WriteAsync("data: [DONE]\n\n");
        await http.Response.Body.FlushAsync();
    }
}
