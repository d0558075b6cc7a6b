using System.Text.Json;

namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// JSON Schema → grammar nodes, for the subset OpenAI's strict mode allows and a little more: type (one or a list),
/// properties / required / additionalProperties, items / minItems / maxItems, minLength / maxLength, enum, const,
/// anyOf, and $ref into $defs or definitions (recursion included). Annotations (title, description, default,
/// examples, format, …) are ignored, as the specification lets a validator do. Any other keyword is refused
/// with its path rather than silently not enforced. Objects are written in the schema's property order; members
/// not listed in <c>properties</c> are never produced (a subset of what <c>additionalProperties</c> would allow).
/// </summary>
internal sealed class JsonSchemaCompiler
{
    private static readonly HashSet<string> Annotations =
    [
        "title", "description", "default", "examples", "format", "$schema", "$id", "$comment", "deprecated",
        "readOnly", "writeOnly", "$defs", "definitions", "contentMediaType", "contentEncoding",
    ];

    private static readonly HashSet<string> Supported =
    [
        "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems", "minLength",
        "maxLength", "enum", "const", "anyOf", "$ref",
    ];

    private readonly GrammarBuilder _builder;
    private readonly JsonElement _root;
    private readonly Dictionary<string, int> _references = new(StringComparer.Ordinal);

    private JsonSchemaCompiler(GrammarBuilder builder, JsonElement root)
    {
        _builder = builder;
        _root = root;
    }

    /// <summary>The node for values <paramref name="schema"/> accepts; refusals are <see cref="NotSupportedException"/>s.</summary>
    public static int Compile(GrammarBuilder builder, JsonElement schema, string origin) =>
        new JsonSchemaCompiler(builder, schema).Node(schema, origin + " #");

    /// <summary>The node for a subschema of <paramref name="root"/> (its <c>$ref</c>s resolve in the root), at <paramref name="path"/>.</summary>
    public static int CompileWithin(GrammarBuilder builder, JsonElement root, JsonElement schema, string path) =>
        new JsonSchemaCompiler(builder, root).Node(schema, path);

    /// <summary>Whether a keyword only annotates (the specification lets a validator ignore it).</summary>
    public static bool IsAnnotation(string keyword) => Annotations.Contains(keyword);

    private int Node(JsonElement schema, string path)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return _builder.AnyValue();
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw Refuse(path, schema.ValueKind == JsonValueKind.False ? "the schema false admits no value" : $"a schema is an object or true, not {schema.ValueKind}");
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Supported.Contains(keyword.Name) && !Annotations.Contains(keyword.Name))
            {
                throw Refuse(path, $"'{keyword.Name}' is not supported by constrained decoding");
            }
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            return Reference(reference, path);
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return _builder.Literal(JsonText.Compact(constant));
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                throw Refuse(path + "/enum", "enum is a non-empty list");
            }

            return _builder.Choice([.. values.EnumerateArray().Select(JsonText.Compact).Distinct().Select(text => _builder.Literal(text))]);
        }

        if (schema.TryGetProperty("anyOf", out var options))
        {
            if (options.ValueKind != JsonValueKind.Array || options.GetArrayLength() == 0)
            {
                throw Refuse(path + "/anyOf", "anyOf is a non-empty list of schemas");
            }

            return _builder.Choice([.. options.EnumerateArray().Select((option, i) => Node(option, $"{path}/anyOf/{i}"))]);
        }

        if (!schema.TryGetProperty("type", out var type))
        {
            return schema.TryGetProperty("properties", out _) ? Typed("object", schema, path) : _builder.AnyValue();
        }

        if (type.ValueKind == JsonValueKind.String)
        {
            return Typed(type.GetString()!, schema, path);
        }

        if (type.ValueKind != JsonValueKind.Array || type.GetArrayLength() == 0 || type.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
        {
            throw Refuse(path + "/type", "type is a name or a non-empty list of names");
        }

        return _builder.Choice([.. type.EnumerateArray().Select(t => Typed(t.GetString()!, schema, path))]);
    }

    private int Typed(string type, JsonElement schema, string path) => type switch
    {
        "object" => Object(schema, path),
        "array" => _builder.Array(
            schema.TryGetProperty("items", out var items) ? Node(items, path + "/items") : _builder.AnyValue(),
            Count(schema, "minItems", path) ?? 0,
            Count(schema, "maxItems", path) ?? int.MaxValue),
        "string" => _builder.String(Length(schema, "minLength", path) ?? 0, Length(schema, "maxLength", path) ?? int.MaxValue),
        "number" => _builder.Number(integer: false),
        "integer" => _builder.Number(integer: true),
        "boolean" => _builder.Choice(_builder.Literal("true"), _builder.Literal("false")),
        "null" => _builder.Literal("null"),
        _ => throw Refuse(path + "/type", $"unknown type '{type}'"),
    };

    private int Object(JsonElement schema, string path)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var names))
        {
            if (names.ValueKind != JsonValueKind.Array || names.EnumerateArray().Any(n => n.ValueKind != JsonValueKind.String))
            {
                throw Refuse(path + "/required", "required is a list of property names");
            }

            required.UnionWith(names.EnumerateArray().Select(n => n.GetString()!));
        }

        if (!schema.TryGetProperty("properties", out var properties))
        {
            if (required.Count > 0)
            {
                throw Refuse(path + "/required", $"'{required.First()}' is required but not in properties");
            }

            bool closed = schema.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind == JsonValueKind.False;
            return closed
                ? _builder.Object([])
                : _builder.FreeObject(extra.ValueKind == JsonValueKind.Object ? Node(extra, path + "/additionalProperties") : _builder.AnyValue());
        }

        if (properties.ValueKind != JsonValueKind.Object)
        {
            throw Refuse(path + "/properties", "properties is an object of schemas");
        }

        var members = properties.EnumerateObject()
            .Select(p => (p.Name, Node(p.Value, $"{path}/properties/{p.Name}"), required.Contains(p.Name)))
            .ToList();
        if (required.FirstOrDefault(name => !members.Any(m => m.Name == name)) is { } missing)
        {
            throw Refuse(path + "/required", $"'{missing}' is required but not in properties");
        }

        return _builder.Object(members);
    }

    private int Reference(JsonElement reference, string path)
    {
        string target = reference.ValueKind == JsonValueKind.String ? reference.GetString()! : "";
        if (_references.TryGetValue(target, out int known))
        {
            return known;
        }

        var schema = Resolve(target) ?? throw Refuse(path + "/$ref", $"'{target}' is not '#' or a '#/$defs/…' or '#/definitions/…' entry of this schema");
        int node = _builder.Reference();
        _references[target] = node;
        _builder.Resolve(node, Node(schema, target));
        return node;
    }

    private JsonElement? Resolve(string target)
    {
        if (target == "#")
        {
            return _root;
        }

        foreach (string container in new[] { "#/$defs/", "#/definitions/" })
        {
            if (target.StartsWith(container, StringComparison.Ordinal)
                && _root.TryGetProperty(container[2..^1], out var definitions) && definitions.ValueKind == JsonValueKind.Object
                && definitions.TryGetProperty(target[container.Length..], out var schema))
            {
                return schema;
            }
        }

        return null;
    }

    private static int? Count(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int count) && count >= 0
            ? count
            : throw Refuse($"{path}/{keyword}", $"{keyword} is a non-negative integer");
    }

    private static int? Length(JsonElement schema, string keyword, string path) => Count(schema, keyword, path) switch
    {
        > JsonTerminals.MaxStringLength => throw Refuse($"{path}/{keyword}", $"{keyword} above {JsonTerminals.MaxStringLength} is not supported"),
        var length => length,
    };

    private static NotSupportedException Refuse(string path, string reason) => new($"{path}: {reason}");
}
