using System.Text;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// Qwen3's chat template (the Jinja in its tokenizer_config.json, kept in <see cref="Jinja"/>) written in C#,
/// producing the same text as transformers' apply_chat_template byte for byte.
/// </summary>
public static class ChatTemplate
{
    private const string ToolsPreamble =
        "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
        "You are provided with function signatures within <tools></tools> XML tags:\n<tools>";

    private const string ToolsPostscript =
        "\n</tools>\n\nFor each function call, return a json object with function name and arguments within " +
        "<tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n";

    /// <summary>The Jinja source this class renders.</summary>
    public static string Jinja => Qwen3ChatTemplateSource.Jinja;

    /// <summary>Whether <paramref name="source"/> is this template (line endings and surrounding whitespace aside).</summary>
    public static bool IsQwen3(string source) => Normalize(source) == Normalize(Jinja);

    internal static string Normalize(string source) => source.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    public static string Render(IReadOnlyList<ChatMessage> messages, ChatTemplateOptions? options = null)
    {
        options ??= new ChatTemplateOptions();
        if (messages.Count == 0)
        {
            throw new Qwen3OnnxException("chat template: there are no messages to render");
        }

        var text = new StringBuilder();
        AppendSystemBlock(messages[0], options.Tools, text);
        int lastQueryIndex = LastQueryIndex(messages);
        for (int index = 0; index < messages.Count; index++)
        {
            AppendTurn(messages, index, lastQueryIndex, text);
        }

        if (options.AddGenerationPrompt)
        {
            text.Append("<|im_start|>assistant\n");
            text.Append(options.EnableThinking ? "" : "<think>\n\n</think>\n\n");
        }

        return text.ToString();
    }

    /// <summary>A leading system message, merged with the tool definitions when there are tools.</summary>
    private static void AppendSystemBlock(ChatMessage first, IReadOnlyList<ChatTool> tools, StringBuilder text)
    {
        bool hasSystem = first.Role == ChatMessageRole.System;
        if (tools.Count == 0)
        {
            text.Append(hasSystem ? $"<|im_start|>system\n{first.Content}<|im_end|>\n" : "");
            return;
        }

        text.Append("<|im_start|>system\n");
        text.Append(hasSystem ? first.Content + "\n\n" : "");
        text.Append(ToolsPreamble);
        foreach (var tool in tools)
        {
            text.Append('\n').Append(PythonJson.Serialize(tool.Definition));
        }

        text.Append(ToolsPostscript);
    }

    /// <summary>The last user message that is a real query (not tool responses passed back as a user turn).</summary>
    private static int LastQueryIndex(IReadOnlyList<ChatMessage> messages)
    {
        for (int index = messages.Count - 1; index >= 0; index--)
        {
            var message = messages[index];
            bool isToolResponse = message.Content.StartsWith("<tool_response>", StringComparison.Ordinal)
                && message.Content.EndsWith("</tool_response>", StringComparison.Ordinal);
            if (message.Role == ChatMessageRole.User && !isToolResponse)
            {
                return index;
            }
        }

        return messages.Count - 1;
    }

    private static void AppendTurn(IReadOnlyList<ChatMessage> messages, int index, int lastQueryIndex, StringBuilder text)
    {
        var message = messages[index];
        switch (message.Role)
        {
            case ChatMessageRole.User:
            case ChatMessageRole.System when index > 0:
                text.Append($"<|im_start|>{RoleName(message.Role)}\n{message.Content}<|im_end|>\n");
                break;
            case ChatMessageRole.Assistant:
                AppendAssistant(message, keepReasoning: index > lastQueryIndex, isLast: index == messages.Count - 1, text);
                break;
            case ChatMessageRole.Tool:
                AppendToolResponse(messages, index, text);
                break;
        }
    }

    /// <summary>Reasoning is kept only for turns after the last query (the current agentic step).</summary>
    private static void AppendAssistant(ChatMessage message, bool keepReasoning, bool isLast, StringBuilder text)
    {
        (string content, string reasoning) = SplitReasoning(message);
        text.Append("<|im_start|>assistant\n");
        if (keepReasoning && (isLast || reasoning.Length > 0))
        {
            text.Append("<think>\n").Append(reasoning.Trim('\n')).Append("\n</think>\n\n").Append(content.TrimStart('\n'));
        }
        else
        {
            text.Append(content);
        }

        for (int call = 0; call < message.ToolCalls.Count; call++)
        {
            text.Append(call > 0 || content.Length > 0 ? "\n" : "");
            var toolCall = message.ToolCalls[call];
            text.Append("<tool_call>\n{\"name\": \"").Append(toolCall.Name).Append("\", \"arguments\": ")
                .Append(toolCall.Arguments).Append("}\n</tool_call>");
        }

        text.Append("<|im_end|>\n");
    }

    /// <summary>(answer, reasoning): reasoning_content when given, else the content split at its last &lt;/think&gt;.</summary>
    private static (string Content, string Reasoning) SplitReasoning(ChatMessage message)
    {
        if (message.ReasoningContent is not null)
        {
            return (message.Content, message.ReasoningContent);
        }

        if (!message.Content.Contains("</think>", StringComparison.Ordinal))
        {
            return (message.Content, "");
        }

        string[] parts = message.Content.Split("</think>");
        string reasoning = parts[0].TrimEnd('\n').Split("<think>")[^1].TrimStart('\n');
        return (parts[^1].TrimStart('\n'), reasoning);
    }

    /// <summary>Consecutive tool messages share one user turn of &lt;tool_response&gt; blocks.</summary>
    private static void AppendToolResponse(IReadOnlyList<ChatMessage> messages, int index, StringBuilder text)
    {
        bool opens = index == 0 || messages[index - 1].Role != ChatMessageRole.Tool;
        bool closes = index == messages.Count - 1 || messages[index + 1].Role != ChatMessageRole.Tool;
        text.Append(opens ? "<|im_start|>user" : "");
        text.Append("\n<tool_response>\n").Append(messages[index].Content).Append("\n</tool_response>");
        text.Append(closes ? "<|im_end|>\n" : "");
    }

    internal static string RoleName(ChatMessageRole role) => role switch
    {
        ChatMessageRole.System => "system",
        ChatMessageRole.User => "user",
        ChatMessageRole.Assistant => "assistant",
        _ => "tool",
    };
}
