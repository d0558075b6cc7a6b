using System.Text.Json;

namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// The body of a call in Qwen3-Coder's form, <c>&lt;function=NAME&gt;\n</c>, one
/// <c>&lt;parameter=KEY&gt;\nVALUE\n&lt;/parameter&gt;\n</c> per argument in the schema's order (required ones always,
/// optional ones skippable, undeclared ones never), then <c>&lt;/function&gt;</c>. A string parameter's value is raw text
/// up to <c>&lt;/parameter&gt;</c> (or one of its enum values); any other value is JSON its schema allows — the way
/// <see cref="Text.ToolCallText"/> reads them back. What raw text cannot enforce (a string's length bounds) is refused.
/// </summary>
internal static class CoderCallGrammar
{
    private const string ParameterEnd = "</parameter>";

    private static readonly HashSet<string> ObjectKeywords = ["type", "properties", "required", "additionalProperties"];

    private static readonly HashSet<string> RawTextKeywords = ["type", "enum", "const"];

    public static int Call(GrammarBuilder builder, string name, JsonElement? parameters, string origin)
    {
        RequireMarkupSafe(name, $"{origin}: the function name");
        int body = parameters is { } schema ? Parameters(builder, schema, origin) : builder.Sequence();
        return builder.Sequence(builder.Literal($"<function={name}>\n"), body, builder.Literal("</function>"));
    }

    private static int Parameters(GrammarBuilder builder, JsonElement schema, string origin)
    {
        string path = origin + " #";
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new NotSupportedException($"{path}: the parameters are an object schema");
        }

        RequireKeywords(schema, ObjectKeywords, path, "on the parameters of a Qwen3-Coder call");
        if (schema.TryGetProperty("type", out var type) && !(type.ValueKind == JsonValueKind.String && type.GetString() == "object"))
        {
            throw new NotSupportedException($"{path}/type: the parameters of a call are an object");
        }

        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object || !properties.EnumerateObject().Any())
        {
            return builder.Sequence();
        }

        var required = schema.TryGetProperty("required", out var names) && names.ValueKind == JsonValueKind.Array
            ? names.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];
        var members = properties.EnumerateObject()
            .Select(property => (Node: Parameter(builder, schema, property.Name, property.Value, $"{path}/properties/{property.Name}"), Required: required.Contains(property.Name)))
            .ToArray();
        return builder.Add(new GrammarNode
        {
            Kind = GrammarNodeKind.Members,
            Children = [.. members.Select(m => m.Node)],
            Required = [.. members.Select(m => m.Required)],
            Separator = builder.Sequence(),
        });
    }

    private static int Parameter(GrammarBuilder builder, JsonElement root, string key, JsonElement schema, string path)
    {
        RequireMarkupSafe(key, $"{path}: the parameter name");
        string open = $"<parameter={key}>\n";
        if (!IsRawText(schema))
        {
            int value = JsonSchemaCompiler.CompileWithin(builder, root, schema, path);
            return builder.Sequence(builder.Literal(open), value, builder.Literal("\n" + ParameterEnd + "\n"));
        }

        RequireKeywords(schema, RawTextKeywords, path, "on a Qwen3-Coder string parameter, whose value is raw text");
        if (Allowed(schema, path) is { } values)
        {
            return builder.Choice([.. values.Select(value => builder.Literal($"{open}{value}\n{ParameterEnd}\n"))]);
        }

        return builder.Sequence(builder.Literal(open), builder.TextUntil(ParameterEnd), builder.Literal("\n"));
    }

    /// <summary>A parameter typed string (alone or beside others, as strict mode writes optional ones) is written as raw text.</summary>
    private static bool IsRawText(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out var type)
        && (type.ValueKind == JsonValueKind.String ? type.GetString() == "string"
            : type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && t.GetString() == "string"));

    /// <summary>The raw texts an enum or const allows (its strings; null entries are simply not offered), or null when it has neither.</summary>
    private static string[]? Allowed(JsonElement schema, string path)
    {
        JsonElement[]? values = schema.TryGetProperty("const", out var constant) ? [constant]
            : !schema.TryGetProperty("enum", out var list) ? null
            : list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0 ? [.. list.EnumerateArray()]
            : throw new NotSupportedException($"{path}/enum: enum is a non-empty list");
        if (values is null)
        {
            return null;
        }

        if (values.Any(v => v.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)))
        {
            throw new NotSupportedException($"{path}: a string parameter's enum holds only strings");
        }

        var strings = values.Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).Distinct(StringComparer.Ordinal).ToArray();
        if (strings.Length == 0)
        {
            throw new NotSupportedException($"{path}: a string parameter's enum holds no string");
        }

        foreach (string value in strings)
        {
            if (value.Contains(ParameterEnd, StringComparison.Ordinal))
            {
                throw new NotSupportedException($"{path}: the enum value '{value}' contains {ParameterEnd}");
            }
        }

        return strings;
    }

    private static void RequireKeywords(JsonElement schema, HashSet<string> allowed, string path, string where)
    {
        foreach (var keyword in schema.EnumerateObject())
        {
            if (!allowed.Contains(keyword.Name) && !JsonSchemaCompiler.IsAnnotation(keyword.Name))
            {
                throw new NotSupportedException($"{path}: '{keyword.Name}' is not supported by constrained decoding {where}");
            }
        }
    }

    /// <summary>Names go inside the markup's tags; one with '&gt;' or a line break could not be read back.</summary>
    private static void RequireMarkupSafe(string name, string what)
    {
        if (name.Length == 0 || name.AsSpan().IndexOfAny(">\n\r") >= 0)
        {
            throw new NotSupportedException($"{what} '{name}' cannot be written in Qwen3-Coder's call markup");
        }
    }
}
