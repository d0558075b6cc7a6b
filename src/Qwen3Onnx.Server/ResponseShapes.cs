using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Server;

/// <summary>The OpenAI response objects (as anonymous types the serializer writes field by field).</summary>
internal static class ResponseShapes
{
    public static string FinishName(FinishReason? finish, bool toolCalls) => toolCalls ? "tool_calls" : finish == FinishReason.Length ? "length" : "stop";

    public static object Usage(int prompt, int completion) => new { prompt_tokens = prompt, completion_tokens = completion, total_tokens = prompt + completion };

    /// <summary>One tool call; a streamed one carries its index in the turn (the SDKs key on it), a whole message's does not (null is omitted).</summary>
    public static object ToolCall(ChatToolCall call, int? index = null) =>
        new { index, id = call.Id, type = "function", function = new { name = call.Name, arguments = call.Arguments } };

    public static object ChatMessage(string content, string reasoning, IReadOnlyList<ChatToolCall> calls) => new
    {
        role = "assistant",
        content = content.Length > 0 || calls.Count == 0 ? content : null,
        reasoning_content = reasoning.Length > 0 ? reasoning : null,
        tool_calls = calls.Count > 0 ? calls.Select(call => ToolCall(call)).ToArray() : null,
    };

    /// <summary>OpenAI's <c>{"content": [{"token", "logprob", "bytes", "top_logprobs": [...]}]}</c>.</summary>
    public static object Logprobs(IEnumerable<TokenLogprobs> tokens, Qwen3Tokenizer tokenizer) => new
    {
        content = tokens.Select(token => new
        {
            token = tokenizer.Decode([token.TokenId]),
            logprob = token.Logprob,
            bytes = Bytes(tokenizer, token.TokenId),
            top_logprobs = token.Top.Select(top => new
            {
                token = tokenizer.Decode([top.TokenId]),
                logprob = top.Logprob,
                bytes = Bytes(tokenizer, top.TokenId),
            }).ToArray(),
        }).ToArray(),
    };

    /// <summary>A stream chunk's delta; a tool call goes out whole as soon as its block closes.</summary>
    public static object ChatDelta(string? role, string? content, string? reasoning, ChatToolCall? call = null, int callIndex = 0) => new
    {
        role,
        content = content ?? (role is not null ? "" : null),
        reasoning_content = reasoning,
        tool_calls = call is null ? null : new[] { ToolCall(call, callIndex) },
    };

    private static int[] Bytes(Qwen3Tokenizer tokenizer, int id) => [.. tokenizer.TokenBytes(id).Select(b => (int)b)];
}
