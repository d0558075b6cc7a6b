using System.Text.Json;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// Reads OpenAI-style chat JSON: a list of <c>{"role", "content", "reasoning_content"?, "tool_calls"?, "tool_call_id"?}</c>
/// messages, and a list of tool definitions. Malformed input fails with one line naming the source and the entry.
/// </summary>
public static class ChatMessagesJson
{
    public static IReadOnlyList<ChatMessage> ReadMessagesFile(string path) => ParseMessages(ReadFile(path), path);

    public static IReadOnlyList<ChatTool> ReadToolsFile(string path) => ParseTools(ReadFile(path), path);

    public static IReadOnlyList<ChatMessage> ParseMessages(string json, string source)
    {
        using var document = ParseDocument(json, source);
        var list = ExpectList(document.RootElement, source, "messages");
        return [.. list.Select((element, index) => ReadMessage(element, $"{source}: messages[{index}]"))];
    }

    public static IReadOnlyList<ChatTool> ParseTools(string json, string source)
    {
        using var document = ParseDocument(json, source);
        var list = ExpectList(document.RootElement, source, "tools");
        return [.. list.Select((element, index) => element.ValueKind == JsonValueKind.Object
            ? new ChatTool(element)
            : throw new Qwen3OnnxException($"{source}: tools[{index}] should be a JSON object"))];
    }

    private static ChatMessage ReadMessage(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new Qwen3OnnxException($"{where} should be a JSON object with 'role' and 'content'");
        }

        ChatMessageRole role = ReadRole(element, where);
        IReadOnlyList<ChatToolCall> toolCalls = ReadToolCalls(element, where);
        string? content = OptionalString(element, "content", where);
        if (content is null && !(role == ChatMessageRole.Assistant && toolCalls.Count > 0))
        {
            throw new Qwen3OnnxException($"{where} has no 'content'");
        }

        return new ChatMessage(role, content ?? "")
        {
            ReasoningContent = OptionalString(element, "reasoning_content", where),
            ToolCalls = toolCalls,
            ToolCallId = OptionalString(element, "tool_call_id", where),
            Name = OptionalString(element, "name", where),
        };
    }

    private static ChatMessageRole ReadRole(JsonElement element, string where)
    {
        string? role = OptionalString(element, "role", where);
        return role switch
        {
            // OpenAI's newer name for the system role; models without a separate developer role treat it as system.
            "system" or "developer" => ChatMessageRole.System,
            "user" => ChatMessageRole.User,
            "assistant" => ChatMessageRole.Assistant,
            "tool" => ChatMessageRole.Tool,
            null => throw new Qwen3OnnxException($"{where} has no 'role'"),
            _ => throw new Qwen3OnnxException($"{where} has unknown role '{role}' (expected system, developer, user, assistant or tool)"),
        };
    }

    /// <summary>Calls are <c>{"function": {"name", "arguments"}}</c> (OpenAI) or <c>{"name", "arguments"}</c>.</summary>
    private static IReadOnlyList<ChatToolCall> ReadToolCalls(JsonElement message, string where)
    {
        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        var list = ExpectList(calls, where, "'tool_calls'");
        return [.. list.Select((call, index) => ReadToolCall(call, $"{where}.tool_calls[{index}]"))];
    }

    private static ChatToolCall ReadToolCall(JsonElement call, string where)
    {
        if (call.ValueKind != JsonValueKind.Object)
        {
            throw new Qwen3OnnxException($"{where} should be a JSON object");
        }

        string? id = OptionalString(call, "id", where);
        JsonElement function = call.TryGetProperty("function", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : call;
        string name = OptionalString(function, "name", where) ?? throw new Qwen3OnnxException($"{where} has no function 'name'");
        if (!function.TryGetProperty("arguments", out var arguments))
        {
            throw new Qwen3OnnxException($"{where} has no 'arguments'");
        }

        string text = arguments.ValueKind == JsonValueKind.String ? arguments.GetString()! : PythonJson.Serialize(arguments);
        return new ChatToolCall(name, text) { Id = id };
    }

    private static string? OptionalString(JsonElement element, string field, string where)
    {
        if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new Qwen3OnnxException($"{where}.{field} should be a string, not {value.ValueKind.ToString().ToLowerInvariant()}");
    }

    private static JsonElement.ArrayEnumerator ExpectList(JsonElement element, string where, string what) =>
        element.ValueKind == JsonValueKind.Array
            ? element.EnumerateArray()
            : throw new Qwen3OnnxException($"{where}: {what} should be a JSON list, not {element.ValueKind.ToString().ToLowerInvariant()}");

    private static JsonDocument ParseDocument(string json, string source)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new Qwen3OnnxException($"{source}: not valid JSON ({TokenizerJsonReader.OneLine(ex.Message)})", ex);
        }
    }

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Qwen3OnnxException($"{path}: cannot read ({TokenizerJsonReader.OneLine(ex.Message)})", ex);
        }
    }
}
