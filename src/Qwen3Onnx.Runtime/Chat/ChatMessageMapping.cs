using System.Text.Json;
using Microsoft.Extensions.AI;
using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Tokenization;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using TemplateMessage = Qwen3Onnx.Runtime.Tokenization.ChatMessage;

namespace Qwen3Onnx.Runtime.Chat;

/// <summary>Microsoft.Extensions.AI messages and tools → the chat template's messages and tools.</summary>
internal static class ChatMessageMapping
{
    public static List<TemplateMessage> ToTemplateMessages(IEnumerable<AiChatMessage> messages, string? instructions)
    {
        var result = new List<TemplateMessage>();
        if (instructions is not null)
        {
            result.Add(new TemplateMessage(ChatMessageRole.System, instructions));
        }

        foreach (var message in messages)
        {
            if (message.Role == ChatRole.Tool)
            {
                result.AddRange(ToolResults(message));
                continue;
            }

            var converted = ToTemplateMessage(message);
            bool mergeSystem = converted.Role == ChatMessageRole.System && result.Count == 1 && result[0].Role == ChatMessageRole.System;
            result.Add(mergeSystem ? Merge(result, converted) : converted);
        }

        return result;
    }

    public static IReadOnlyList<ChatTool> ToTools(ChatOptions? options) =>
        [.. (options?.Tools ?? []).OfType<AIFunctionDeclaration>().Select(f => ChatTool.Function(f.Name, f.Description, f.JsonSchema))];

    private static TemplateMessage ToTemplateMessage(AiChatMessage message)
    {
        var role = Role(message.Role);
        var reasoning = string.Concat(message.Contents.OfType<TextReasoningContent>().Select(c => c.Text));
        var calls = message.Contents.OfType<FunctionCallContent>().Select(ToToolCall).ToArray();
        return new TemplateMessage(role, message.Text)
        {
            ReasoningContent = reasoning.Length > 0 ? reasoning : null,
            ToolCalls = calls.Length > 0 ? calls : [],
        };
    }

    /// <summary>Arguments are written as Python's json.dumps would, which is how the template renders them.</summary>
    private static ChatToolCall ToToolCall(FunctionCallContent call) =>
        new(call.Name, PythonJson.Serialize(JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>()))) { Id = call.CallId };

    /// <summary>Instructions and a leading system message become one system turn (the template renders only the first).</summary>
    private static TemplateMessage Merge(List<TemplateMessage> result, TemplateMessage system)
    {
        var instructions = result[0];
        result.RemoveAt(0);
        return system with { Content = instructions.Content + "\n\n" + system.Content };
    }

    private static IEnumerable<TemplateMessage> ToolResults(AiChatMessage message) =>
        message.Contents.OfType<FunctionResultContent>().Select(result => new TemplateMessage(ChatMessageRole.Tool, ResultText(result.Result))
        {
            ToolCallId = result.CallId,
        });

    private static string ResultText(object? result) => result switch
    {
        null => "",
        string text => text,
        JsonElement element when element.ValueKind == JsonValueKind.String => element.GetString()!,
        _ => PythonJson.Serialize(JsonSerializer.SerializeToElement(result)),
    };

    private static ChatMessageRole Role(ChatRole role) =>
        role == ChatRole.System ? ChatMessageRole.System
        : role == ChatRole.User ? ChatMessageRole.User
        : role == ChatRole.Assistant ? ChatMessageRole.Assistant
        : throw new Qwen3OnnxException($"chat message role '{role.Value}' is not one Qwen3's template knows (system, user, assistant, tool)");
}
