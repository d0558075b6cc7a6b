using System.Text.Json;
using System.Text.Json.Nodes;
using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Server;

/// <summary>
/// Turns a <c>/v1/chat/completions</c> body into a prompt: messages (content as a string or a list of text parts)
/// and tools rendered with the chat template, thinking on unless <c>enable_thinking</c> (or vLLM's
/// <c>chat_template_kwargs.enable_thinking</c>) is false; tool choice and response format become the grammar
/// the answer is decoded under.
/// </summary>
internal static class ChatRequestReader
{
    public static GenerationSettings Read(JsonElement root, ServedModel model)
    {
        SettingsReader.RequireModel(root, model);
        UnsupportedFields.Refuse(root, chat: true);
        var messages = Messages(root);
        var tools = Tools(root);
        bool thinking = EnableThinking(root);
        var options = new ChatTemplateOptions { EnableThinking = thinking, Tools = tools };
        var settings = SettingsReader.Read(root, model, model.Tokenizer.Encode(Render(model, messages, options)));
        var grammar = AnswerConstraintsReader.Grammar(root, model, tools, thinking);
        return settings with { Sampling = settings.Sampling with { Grammar = grammar, TopLogprobs = TopLogprobs(root) }, Tools = tools };
    }

    private static string Render(ServedModel model, IReadOnlyList<ChatMessage> messages, ChatTemplateOptions options)
    {
        try
        {
            return model.Tokenizer.RenderChat(messages, options);
        }
        catch (Qwen3OnnxException ex)
        {
            throw ApiException.BadField("messages", ex.Message);
        }
    }

    private static IReadOnlyList<ChatMessage> Messages(JsonElement root)
    {
        if (RequestFields.Field(root, "messages") is not { ValueKind: JsonValueKind.Array } list || list.GetArrayLength() == 0)
        {
            throw ApiException.BadField("messages", "'messages' should be a non-empty list");
        }

        var nodes = JsonNode.Parse(list.GetRawText())!.AsArray();
        foreach (var message in nodes.OfType<JsonObject>())
        {
            if (message["content"] is JsonArray parts)
            {
                message["content"] = JoinTextParts(parts);
            }
        }

        try
        {
            return ChatMessagesJson.ParseMessages(nodes.ToJsonString(), "request");
        }
        catch (Qwen3OnnxException ex)
        {
            throw ApiException.BadField("messages", ex.Message);
        }
    }

    private static string JoinTextParts(JsonArray parts) => string.Concat(parts.Select(part =>
        part is JsonObject obj && obj["type"] is JsonValue type && type.TryGetValue(out string? kind) && kind == "text"
        && obj["text"] is JsonValue text && text.TryGetValue(out string? value)
            ? value
            : throw ApiException.BadField("messages", "only text content parts ({\"type\": \"text\", \"text\": ...}) are supported")));

    private static IReadOnlyList<ChatTool> Tools(JsonElement root)
    {
        if (RequestFields.Field(root, "tools") is not { } tools)
        {
            return [];
        }

        try
        {
            return ChatMessagesJson.ParseTools(tools.GetRawText(), "request");
        }
        catch (Qwen3OnnxException ex)
        {
            throw ApiException.BadField("tools", ex.Message);
        }
    }

    /// <summary>OpenAI's pair: <c>logprobs</c> true turns them on, <c>top_logprobs</c> (0 … 20) adds alternatives and needs it.</summary>
    private static int? TopLogprobs(JsonElement root)
    {
        bool enabled = RequestFields.Bool(root, "logprobs") ?? false;
        long? top = RequestFields.Integer(root, "top_logprobs", 0, Runtime.Sampling.TokenLogprobs.MaxTop);
        if (top is not null && !enabled)
        {
            throw ApiException.BadField("top_logprobs", "'top_logprobs' needs 'logprobs': true");
        }

        return enabled ? (int)(top ?? 0) : null;
    }

    private static bool EnableThinking(JsonElement root)
    {
        bool? direct = RequestFields.Bool(root, "enable_thinking");
        bool? viaKwargs = RequestFields.Field(root, "chat_template_kwargs") is { ValueKind: JsonValueKind.Object } kwargs
            ? RequestFields.Bool(kwargs, "enable_thinking")
            : null;
        return direct ?? viaKwargs ?? true;
    }
}
