using System.Text;
using System.Text.Json;

namespace Qwen3Onnx.Server.Tests;

/// <summary>Reads a streamed completion's <c>data:</c> events (text or chat chunks): the concatenated text or content, finish reason and usage.</summary>
internal static class SseReader
{
    /// <param name="ErrorCode">The code of an error event that ended the stream (OpenAI's <c>{"error": {...}}</c> shape).</param>
    public sealed record Result(string Text, string? FinishReason, int CompletionTokens, bool Done, string? ErrorCode = null);

    /// <param name="afterFirstEvent">Runs once the first chunk has arrived (the row is decoding), before reading on.</param>
    public static async Task<Result> ReadCompletionAsync(HttpResponseMessage response, Func<Task>? afterFirstEvent = null)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var text = new StringBuilder();
        string? finish = null;
        int tokens = -1;
        string? errorCode = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            string data = line["data: ".Length..];
            if (data == "[DONE]")
            {
                return new Result(text.ToString(), finish, tokens, true, errorCode);
            }

            using var chunk = JsonDocument.Parse(data);
            if (chunk.RootElement.TryGetProperty("error", out var error))
            {
                errorCode = error.GetProperty("code").GetString();
                continue;
            }

            foreach (var choice in chunk.RootElement.GetProperty("choices").EnumerateArray())
            {
                bool chat = choice.TryGetProperty("delta", out var delta);
                text.Append(chat
                    ? delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String ? content.GetString() : ""
                    : choice.GetProperty("text").GetString());
                finish = choice.TryGetProperty("finish_reason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : finish;
            }

            if (chunk.RootElement.TryGetProperty("usage", out var usage))
            {
                tokens = usage.GetProperty("completion_tokens").GetInt32();
            }

            if (afterFirstEvent is not null)
            {
                await afterFirstEvent();
                afterFirstEvent = null;
            }
        }

        return new Result(text.ToString(), finish, tokens, false, errorCode);
    }

    public static HttpRequestMessage Post(Uri baseAddress, string path, string json) => new(HttpMethod.Post, new Uri(baseAddress, path))
    {
        Content = new StringContent(json, Encoding.UTF8, "application/json"),
    };
}
