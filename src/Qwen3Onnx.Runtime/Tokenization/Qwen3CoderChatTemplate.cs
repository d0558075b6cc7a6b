using System.Text;
using System.Text.Json;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// Qwen3-Coder's chat template (kept in <see cref="Jinja"/>) written in C#, producing the same text as
/// transformers' apply_chat_template byte for byte: tools listed as XML, calls written as
/// <c>&lt;function=NAME&gt;&lt;parameter=KEY&gt;VALUE&lt;/parameter&gt;…</c>, no thinking block.
/// </summary>
public static class Qwen3CoderChatTemplate
{
    private const string DefaultSystem = "You are Qwen, a helpful AI assistant that can interact with a computer to solve tasks.";

    private const string ToolsHeading = "\n\n# Tools\n\nYou have access to the following tools:\n\n<tools>";

    private const string CallInstructions =
        "\n</tools>\n\nIf you choose to call a tool ONLY reply in the following format with NO suffix:\n\n<tool_call>\n" +
        "<function=example_function_name>\n<parameter=example_parameter_1>\nvalue_1\n</parameter>\n<parameter=example_parameter_2>\n" +
        "value_2\n</parameter>\n</function>\n</tool_call>\n\n<IMPORTANT>\nReminder:\n- Function calls MUST follow the specified format: " +
        "the tool calling block MUST begin with an opening <tool_call> tag and end with a closing </tool_call> tag.\n" +
        "- Required parameters MUST be specified\n- You may provide optional reasoning for your function call in natural language " +
        "BEFORE the function call, but NOT after\n- If there is no function call available, answer the question like normal with your " +
        "current knowledge and do not tell the user about function calls\n</IMPORTANT>";

    /// <summary>The Jinja source this class renders.</summary>
    public static string Jinja => Qwen3CoderChatTemplateSource.Jinja;

    /// <summary>Whether <paramref name="source"/> is this template (line endings and surrounding whitespace aside).</summary>
    public static bool IsQwen3Coder(string source) => ChatTemplate.Normalize(source) == ChatTemplate.Normalize(Jinja);

    /// <summary>The conversation as the template writes it; <see cref="ChatTemplateOptions.EnableThinking"/> does not apply (the template has no thinking).</summary>
    public static string Render(IReadOnlyList<ChatMessage> messages, ChatTemplateOptions? options = null)
    {
        options ??= new ChatTemplateOptions();
        if (messages.Count == 0)
        {
            throw new Qwen3OnnxException("chat template: there are no messages to render");
        }

        var text = new StringBuilder();
        string? system = messages[0].Role == ChatMessageRole.System ? messages[0].Content : null;
        AppendSystemBlock(system, options.Tools, text);
        int first = system is null ? 0 : 1;
        for (int index = first; index < messages.Count; index++)
        {
            AppendTurn(messages, first, index, text);
        }

        text.Append(options.AddGenerationPrompt ? "<|im_start|>assistant\n" : "");
        return text.ToString();
    }

    /// <summary>The system message (Qwen's default one when only tools ask for the block), then the tools as XML.</summary>
    private static void AppendSystemBlock(string? system, IReadOnlyList<ChatTool> tools, StringBuilder text)
    {
        if (system is null && tools.Count == 0)
        {
            return;
        }

        text.Append("<|im_start|>system\n").Append(system ?? DefaultSystem);
        if (tools.Count > 0)
        {
            text.Append(ToolsHeading);
            foreach (var tool in tools)
            {
                AppendTool(tool.Definition.TryGetProperty("function", out var function) ? function : tool.Definition, text);
            }

            text.Append(CallInstructions);
        }

        text.Append("<|im_end|>\n");
    }

    private static void AppendTool(JsonElement tool, StringBuilder text)
    {
        text.Append("\n<function>\n<name>").Append(Field(tool, "name") is { } name ? PythonText.Str(name) : "").Append("</name>");
        if (Field(tool, "description") is { } description)
        {
            text.Append("\n<description>").Append(PythonText.Strip(PythonText.Str(description))).Append("</description>");
        }

        text.Append("\n<parameters>");
        var parameters = Field(tool, "parameters");
        if (parameters is { } schema && Field(schema, "properties") is { ValueKind: JsonValueKind.Object } properties)
        {
            foreach (var parameter in properties.EnumerateObject())
            {
                AppendParameter(parameter.Name, parameter.Value, text);
            }
        }

        AppendExtraKeys(parameters, ["type", "properties"], text);
        text.Append("\n</parameters>");
        AppendExtraKeys(tool, ["type", "name", "description", "parameters"], text);
        text.Append("\n</function>");
    }

    private static void AppendParameter(string name, JsonElement fields, StringBuilder text)
    {
        text.Append("\n<parameter>\n<name>").Append(name).Append("</name>");
        if (Field(fields, "type") is { } type)
        {
            text.Append("\n<type>").Append(PythonText.Str(type)).Append("</type>");
        }

        if (Field(fields, "description") is { } description)
        {
            text.Append("\n<description>").Append(PythonText.Strip(PythonText.Str(description))).Append("</description>");
        }

        AppendExtraKeys(fields, ["name", "type", "description"], text);
        text.Append("\n</parameter>");
    }

    /// <summary>Every other key of an object as <c>&lt;key&gt;value&lt;/key&gt;</c>: lists and objects as JSON, the rest as Python's str().</summary>
    private static void AppendExtraKeys(JsonElement? value, string[] handled, StringBuilder text)
    {
        if (value is not { ValueKind: JsonValueKind.Object } dictionary)
        {
            return;
        }

        foreach (var property in dictionary.EnumerateObject())
        {
            if (!handled.Contains(property.Name))
            {
                text.Append("\n<").Append(property.Name).Append('>').Append(ArgumentText(property.Value)).Append("</").Append(property.Name).Append('>');
            }
        }
    }

    private static void AppendTurn(IReadOnlyList<ChatMessage> messages, int first, int index, StringBuilder text)
    {
        var message = messages[index];
        if (message.Role == ChatMessageRole.Assistant && message.ToolCalls.Count > 0)
        {
            AppendCalls(message, text);
        }
        else if (message.Role == ChatMessageRole.Tool)
        {
            AppendToolResponse(messages, first, index, text);
        }
        else
        {
            text.Append("<|im_start|>").Append(ChatTemplate.RoleName(message.Role)).Append('\n').Append(message.Content).Append("<|im_end|>\n");
        }
    }

    /// <summary>An assistant turn with calls: its trimmed content, then each call with one parameter block per argument.</summary>
    private static void AppendCalls(ChatMessage message, StringBuilder text)
    {
        text.Append("<|im_start|>assistant");
        string content = PythonText.Strip(message.Content);
        text.Append(content.Length > 0 ? $"\n{content}\n" : "");
        foreach (var call in message.ToolCalls)
        {
            text.Append("\n<tool_call>\n<function=").Append(call.Name).Append(">\n");
            foreach (var argument in Arguments(call))
            {
                text.Append("<parameter=").Append(argument.Name).Append(">\n").Append(ArgumentText(argument.Value)).Append("\n</parameter>\n");
            }

            text.Append("</function>\n</tool_call>");
        }

        text.Append("<|im_end|>\n");
    }

    /// <summary>
    /// A tool response opens a user turn only after a message that is not a tool response — not as the loop's first
    /// message (the template's <c>loop.previtem</c> is then undefined) — and the last of a run closes it.
    /// </summary>
    private static void AppendToolResponse(IReadOnlyList<ChatMessage> messages, int first, int index, StringBuilder text)
    {
        bool opens = index > first && messages[index - 1].Role != ChatMessageRole.Tool;
        bool closes = index == messages.Count - 1 || messages[index + 1].Role != ChatMessageRole.Tool;
        text.Append(opens ? "<|im_start|>user\n" : "");
        text.Append("<tool_response>\n").Append(messages[index].Content).Append("\n</tool_response>\n");
        text.Append(closes ? "<|im_end|>\n" : "");
    }

    /// <summary>The call's arguments object (the template iterates it as a mapping); none when it has no arguments text.</summary>
    private static IEnumerable<JsonProperty> Arguments(ChatToolCall call)
    {
        if (string.IsNullOrWhiteSpace(call.Arguments))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(call.Arguments);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return [.. document.RootElement.Clone().EnumerateObject()];
            }
        }
        catch (JsonException)
        {
        }

        throw new Qwen3OnnxException($"chat template (Qwen3-Coder): the arguments of the call to '{call.Name}' are not a JSON object, which the template writes one parameter at a time");
    }

    private static string ArgumentText(JsonElement value) =>
        value.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? PythonJson.Serialize(value) : PythonText.Str(value);

    private static JsonElement? Field(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out var field) ? field : null;
}
