using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Server;

/// <summary>The OpenAI response objects (as anonymous types the serializer writes field by field).</summary>
internal static class ResponseShapes
{
    public static string FinishName(FinishReason? finish, bool toolCalls) => toolCalls ? "tool_calls" : finish == FinishReason.Length ? "length" : "stop";

    public static object Usage(int prompt, int completion) => new { prompt_tokens = prompt, completion_tokens = completion, total_tokens = prompt + completion };

    public static object[] ToolCalls(IReadOnlyList<ChatToolCall> calls) =>
        [.. calls.Select(call => new { id = call.Id, type = "function", function = new { name = call.Name, arguments = call.Arguments } })];

    public static object ChatMessage(string content, string reasoning, IReadOnlyList<ChatToolCall> calls) => new
    {
        role = "assistant",
        content = content.Length > 0 || calls.Count == 0 ? content : null,
        reasoning_content = reasoning.Length > 0 ? reasoning : null,
        tool_calls = calls.Count > 0 ? ToolCalls(calls) : null,
    };

    /// <summary>OpenAI's <c>{"content": [{"token", "logprob", "bytes", "top_logprobs": [...]}]}</c>.</summary>
    public static object Logprobs(IEnumerable<TokenLogprobs> tokens, Qwen3Tokenizer tokenizer) => new
    {
        content = tokens.Select(token => new
        {
            token = tokenizer.Decode([token.TokenId]),
            logprob = token.Logprob,
            bytes = tokenizer.TokenBytes(token.TokenId).Select(b => (int)b).ToArray(),
            top_logprobs = token.Top.Select(top => new
            {
                token = tokenizer.Decode([top.TokenId]),
                logprob = top.Logprob,
                bytes = tokenizer.TokenBytes(top.TokenId).Select(b => (int)b).ToArray(),
            }).ToArray(),
        }).ToArray(),
    };

    /// <summary>A stream chunk's delta; a tool call goes out whole, with its index in the turn (the SDKs key on it).</summary>
    public static object ChatDelta(string? role, string? content, string? reasoning, ChatToolCall? call = null, int callIndex = 0) => new
    {
        role,
        content = content ?? (role is not null ? "" : null),
        reasoning_content = reasoning,
        tool_calls = call is null ? null : new[] { new { index = callIndex, id = call.Id, type = "function", function = new { name = call.Name, arguments = call.Arguments } } },
    };
}
