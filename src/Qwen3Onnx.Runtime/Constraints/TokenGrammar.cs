using System.Text.Json;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// A grammar the output must follow, compiled against one tokenizer's vocabulary: JSON (any object, or what a
/// JSON Schema allows), Qwen3's tool calls, or text without tool calls. Set it as <see cref="Sampling.SamplingOptions.Grammar"/>
/// and every sampler (CLI, in-process clients, the server's batch) masks each step's logits to the tokens that
/// keep the output inside the grammar; the end-of-sequence token is allowed only once the output is complete.
/// Immutable and shared; each row gets its own position. Schemas outside the supported subset throw
/// <see cref="NotSupportedException"/> naming the keyword and where it is.
/// </summary>
public sealed class TokenGrammar
{
    private TokenGrammar(TokenVocabulary vocabulary, GrammarBuilder builder, int root, IReadOnlyList<int> endIds, string description)
    {
        Vocabulary = vocabulary;
        Nodes = [.. builder.Nodes];
        Root = root;
        EndIds = [.. endIds];
        Description = description;
    }

    /// <summary>What the grammar is, for messages: "JSON schema 'weather'", "tool calls (get_weather)".</summary>
    public string Description { get; }

    internal TokenVocabulary Vocabulary { get; }

    internal GrammarNode[] Nodes { get; }

    internal int Root { get; }

    internal int[] EndIds { get; }

    /// <summary>
    /// A JSON answer: one value matching <paramref name="schema"/>, or any JSON object when it is null (OpenAI's
    /// json_object). With <paramref name="thinking"/> a Qwen3 thinking block may come first, unconstrained.
    /// </summary>
    public static TokenGrammar Json(Qwen3Tokenizer tokenizer, JsonElement? schema, bool thinking, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var builder = new GrammarBuilder();
        int value = schema is { } s
            ? JsonSchemaCompiler.Compile(builder, s, name is null ? "schema" : $"schema '{name}'")
            : builder.FreeObject(builder.AnyValue());
        int root = WithThinking(builder, tokenizer, value, thinking);
        return new TokenGrammar(TokenVocabulary.For(tokenizer), builder, root, tokenizer.EosTokenIds,
            schema is null ? "JSON object" : name is null ? "JSON schema" : $"JSON schema '{name}'");
    }

    /// <summary>
    /// One or more calls in Qwen3's form, <c>&lt;tool_call&gt;\n{"name": …, "arguments": {…}}\n&lt;/tool_call&gt;</c>,
    /// each naming one of <paramref name="tools"/> with arguments matching its parameters schema; then the turn ends.
    /// </summary>
    public static TokenGrammar ToolCalls(Qwen3Tokenizer tokenizer, IReadOnlyList<ChatTool> tools, bool parallel, bool thinking)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(tools);
        if (tools.Count == 0)
        {
            throw new NotSupportedException("a required tool call needs at least one tool");
        }

        int start = tokenizer.TokenToId("<tool_call>") ?? throw new NotSupportedException("the tokenizer has no <tool_call> token, so it cannot make tool calls");
        int end = tokenizer.TokenToId("</tool_call>") ?? throw new NotSupportedException("the tokenizer has no </tool_call> token, so it cannot make tool calls");
        var builder = new GrammarBuilder();
        var calls = tools.Select((tool, i) =>
        {
            string name = tool.Name ?? throw new NotSupportedException($"tools[{i}] has no function name");
            int arguments = Parameters(tool) is { } schema
                ? JsonSchemaCompiler.Compile(builder, schema, $"tool '{name}' parameters")
                : builder.FreeObject(builder.AnyValue());
            return builder.Sequence(builder.Literal($"{{\"name\": {JsonText.Quote(name)}, \"arguments\": "), arguments, builder.Literal("}"));
        }).ToArray();
        int call = builder.Sequence(builder.Token(start), builder.Literal("\n"), builder.Choice(calls), builder.Literal("\n"), builder.Token(end));
        int body = builder.Repeat(call, 1, parallel ? int.MaxValue : 1, separator: builder.Literal("\n"));
        int root = WithThinking(builder, tokenizer, body, thinking);
        string names = string.Join(", ", tools.Select(t => t.Name));
        return new TokenGrammar(TokenVocabulary.For(tokenizer), builder, root, tokenizer.EosTokenIds, $"tool calls ({names})");
    }

    /// <summary>Free text that never starts a tool call (OpenAI's tool_choice "none").</summary>
    public static TokenGrammar TextWithoutToolCalls(Qwen3Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var builder = new GrammarBuilder();
        int[] banned = [.. new[] { tokenizer.TokenToId("<tool_call>"), tokenizer.TokenToId("</tool_call>") }.OfType<int>()];
        int root = builder.FreeText(banned);
        return new TokenGrammar(TokenVocabulary.For(tokenizer), builder, root, tokenizer.EosTokenIds, "text without tool calls");
    }

    internal GrammarState CreateState() => new(this);

    private static int WithThinking(GrammarBuilder builder, Qwen3Tokenizer tokenizer, int body, bool thinking)
    {
        if (!thinking)
        {
            return body;
        }

        var others = tokenizer.AddedTokens.Select(t => t.Id).Where(id => id != tokenizer.ThinkEndId);
        int block = builder.Sequence(builder.Token(tokenizer.ThinkStartId), builder.FreeText(others, tokenizer.ThinkEndId), builder.Whitespace());
        return builder.Sequence(builder.Optional(block), body);
    }

    private static JsonElement? Parameters(ChatTool tool)
    {
        var definition = tool.Definition;
        var function = definition.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : definition;
        return function.TryGetProperty("parameters", out var parameters) ? parameters : null;
    }
}
