using System.Text.Json;
using Qwen3Onnx.Runtime.Constraints;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Server;

/// <summary>
/// <c>response_format</c>, <c>tool_choice</c> and <c>parallel_tool_calls</c> of a chat request → the grammar the
/// answer is decoded under. Malformed values and what the decoder cannot enforce are 400s naming the field.
/// </summary>
internal static class AnswerConstraintsReader
{
    public static TokenGrammar? Grammar(JsonElement root, ServedModel model, IReadOnlyList<ChatTool> tools, bool thinking)
    {
        var constraints = Read(root);
        if (constraints.IsFree)
        {
            return null;
        }

        try
        {
            return constraints.ToGrammar(model.Tokenizer, tools, thinking);
        }
        catch (ArgumentException ex)
        {
            throw ApiException.BadField("tool_choice", ex.Message);
        }
        catch (GrammarNotSupportedException ex)
        {
            string field = ex.Part == GrammarPart.Tools ? "tools" : "response_format";
            throw new ApiException(400, $"'{field}': {ex.Message}", field, code: "unsupported_parameter");
        }
    }

    private static AnswerConstraints Read(JsonElement root)
    {
        var constraints = new AnswerConstraints { ParallelToolCalls = RequestFields.Bool(root, "parallel_tool_calls") ?? true };
        constraints = ReadToolChoice(root, constraints);
        return ReadResponseFormat(root, constraints);
    }

    private static AnswerConstraints ReadToolChoice(JsonElement root, AnswerConstraints constraints)
    {
        switch (RequestFields.Field(root, "tool_choice"))
        {
            case null:
                return constraints;
            case { ValueKind: JsonValueKind.String } mode:
                return mode.GetString() switch
                {
                    "auto" => constraints,
                    "none" => constraints with { ToolChoice = ToolChoice.None },
                    "required" => constraints with { ToolChoice = ToolChoice.Required },
                    var other => throw ApiException.BadField("tool_choice", $"'tool_choice' is \"none\", \"auto\", \"required\" or {{\"type\": \"function\", \"function\": {{\"name\": ...}}}}, not \"{other}\""),
                };
            case { ValueKind: JsonValueKind.Object } forced
                when RequestFields.String(forced, "type") == "function"
                && RequestFields.Field(forced, "function") is { ValueKind: JsonValueKind.Object } function
                && RequestFields.String(function, "name") is { } name:
                return constraints with { ToolChoice = ToolChoice.Function, FunctionName = name };
            default:
                throw ApiException.BadField("tool_choice", "'tool_choice' is \"none\", \"auto\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": ...}}");
        }
    }

    private static AnswerConstraints ReadResponseFormat(JsonElement root, AnswerConstraints constraints)
    {
        if (RequestFields.Field(root, "response_format") is not { } format)
        {
            return constraints;
        }

        string? type = format.ValueKind == JsonValueKind.Object ? RequestFields.String(format, "type") : null;
        switch (type)
        {
            case "text":
                return constraints;
            case "json_object":
                return constraints with { Json = true };
            case "json_schema":
                if (RequestFields.Field(format, "json_schema") is not { ValueKind: JsonValueKind.Object } spec)
                {
                    throw ApiException.BadField("response_format", "'response_format.json_schema' is required for type json_schema: {\"name\": ..., \"schema\": {...}}");
                }

                string name = RequestFields.String(spec, "name") ?? throw ApiException.BadField("response_format", "'response_format.json_schema.name' is required");
                var schema = RequestFields.Field(spec, "schema");
                return constraints with { Json = true, JsonSchema = schema?.Clone() ?? JsonDocument.Parse("{}").RootElement.Clone(), JsonSchemaName = name };
            default:
                throw ApiException.BadField("response_format", "'response_format.type' is \"text\", \"json_object\" or \"json_schema\"");
        }
    }
}
