using System.Text.Json;

namespace Qwen3Onnx.Server;

/// <summary>
/// OpenAI request fields this server cannot honour yet. A client that sets one to anything but its no-op value gets
/// a 400 naming it, instead of an answer that quietly ignores what it asked for (log probabilities that never come).
/// </summary>
internal static class UnsupportedFields
{
    public static void Refuse(JsonElement root, bool chat)
    {
        RefuseUnless(root, "logit_bias", value => value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any(), "logit_bias is not supported");
        if (!chat)
        {
            RefuseUnless(root, "logprobs", value => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n == 0, "log probabilities of text completions are not supported; /v1/chat/completions has logprobs and top_logprobs");
            RefuseUnless(root, "echo", value => value.ValueKind == JsonValueKind.False, "echo is not supported");
            RefuseUnless(root, "best_of", value => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n == 1, "only best_of 1 is supported");
            RefuseUnless(root, "suffix", value => value.ValueKind == JsonValueKind.String && value.GetString() == "", "suffix (insertion) is not supported");
        }
    }

    private static void RefuseUnless(JsonElement root, string field, Func<JsonElement, bool> isNoOp, string reason)
    {
        if (RequestFields.Field(root, field) is { } value && !isNoOp(value))
        {
            throw new ApiException(400, $"'{field}': {reason}", field, code: "unsupported_parameter");
        }
    }
}
