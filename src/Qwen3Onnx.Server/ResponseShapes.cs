using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Server;

/// <summary>The OpenAI response objects (as anonymous types the serializer writes field by field).</summary>
internal static class ResponseShapes
{
    public static string FinishName(FinishReason? finish, bool toolCalls) => toolCalls ? "tool_calls" : finish == FinishReason.Length ? "length" : "stop";

    public static object Usage(int prompt, int completion) => new { prompt_tokens = prompt, completion_tokens = completion, total_tokens = prompt + completion };

    public static object[] ToolCalls(IReadOnlyList<ChatToolCall> calls, bool streamed) =>
        [.. calls.Select((call, index) => new
        {
            index = streamed ? index : (int?)null,
            id = call.Id,
            type = "function",
            function = new { name = call.Name, arguments = call.Arguments },
        })];

    public static object ChatMessage(string content, string reasoning, IReadOnlyList<ChatToolCall> calls) => new
    {
        role = "assistant",
        content = content.Length > 0 || calls.Count == 0 ? content : null,
        reasoning_content = reasoning.Length > 0 ? reasoning : null,
        tool_calls = calls.Count > 0 ? ToolCalls(calls, streamed: false) : null,
    };

    public static object ChatDelta(string? role, TextDelta delta, IReadOnlyList<ChatToolCall>? calls) => new
    {
        role,
        content = delta.Content.Length > 0 ? delta.Content : (role is not null ? "" : null),
        reasoning_content = delta.Reasoning.Length > 0 ? delta.Reasoning : null,
        tool_calls = calls is { Count: > 0 } ? ToolCalls(calls, streamed: true) : null,
    };
}
