using System.Text.Json;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// A grammar the output must follow, compiled against one tokenizer's vocabulary: JSON (any object, or what a
/// JSON Schema allows), Qwen3's tool calls, or text without tool calls. Set it as <see cref="Sampling.SamplingOptions.Grammar"/>
/// and every sampler (CLI, in-process clients, the server's batch) masks each step's logits to the tokens that
/// keep the output inside the grammar; the end-of-sequence token is allowed only once the output is complete.
/// Immutable and shared; each row gets its own position. Schemas outside the supported subset throw
/// <see cref="GrammarNotSupportedException"/> naming the keyword and where it is, and which part of the request
/// (response format or tools) it came from.
/// </summary>
public sealed class TokenGrammar
{
    private TokenGrammar(Qwen3Tokenizer tokenizer, GrammarBuilder builder, int root, string description)
    {
        Vocabulary = TokenVocabulary.For(tokenizer);
        Nodes = [.. builder.Nodes];
        Root = root;
        EndIds = [.. tokenizer.EosTokenIds];
        Description = description;
        GrammarCheck.RequireTerminating(Nodes, root, description);
    }

    /// <summary>What the grammar is, for messages: "JSON schema 'weather'", "tool calls (get_weather)".</summary>
    public string Description { get; }

    internal TokenVocabulary Vocabulary { get; }

    internal GrammarNode[] Nodes { get; }

    internal int Root { get; }

    internal int[] EndIds { get; }

    /// <summary>
    /// A JSON answer: one value matching <paramref name="schema"/>, or any JSON object when it is null (OpenAI's
    /// json_object). With <paramref name="thinking"/> a Qwen3 thinking block may come first, unconstrained. With
    /// <paramref name="orToolCalls"/> the answer may instead be calls to those tools (tool_choice auto beside a
    /// JSON response format).
    /// </summary>
    public static TokenGrammar Json(Qwen3Tokenizer tokenizer, JsonElement? schema, bool thinking, string? name = null, IReadOnlyList<ChatTool>? orToolCalls = null, bool parallel = true)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var builder = new GrammarBuilder();
        string where = name is null ? "schema" : $"schema '{name}'";
        int value = Compile(GrammarPart.ResponseFormat, builder, where, () => schema is { } s
            ? JsonSchemaCompiler.Compile(builder, s, where)
            : builder.FreeObject(builder.AnyValue()));
        if (orToolCalls is { Count: > 0 })
        {
            value = builder.Choice(value, ToolCallsBody(builder, tokenizer, orToolCalls, parallel ? int.MaxValue : 1));
        }

        string description = schema is null ? "JSON object" : name is null ? "JSON schema" : $"JSON schema '{name}'";
        return new TokenGrammar(tokenizer, builder, WithThinking(builder, tokenizer, value, thinking), description);
    }

    /// <summary>
    /// One or more calls in Qwen3's form, <c>&lt;tool_call&gt;\n{"name": …, "arguments": {…}}\n&lt;/tool_call&gt;</c>,
    /// each naming one of <paramref name="tools"/> with arguments matching its parameters schema; then the turn ends.
    /// </summary>
    public static TokenGrammar ToolCalls(Qwen3Tokenizer tokenizer, IReadOnlyList<ChatTool> tools, bool parallel, bool thinking)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(tools);
        var builder = new GrammarBuilder();
        int body = ToolCallsBody(builder, tokenizer, tools, parallel ? int.MaxValue : 1);
        return new TokenGrammar(tokenizer, builder, WithThinking(builder, tokenizer, body, thinking), $"tool calls ({Names(tools)})");
    }

    /// <summary>
    /// Free text that may end in at most <paramref name="maxCalls"/> calls to <paramref name="tools"/> (none: OpenAI's
    /// tool_choice "none"; one: tool_choice auto without parallel calls). A call, once started, must name one of
    /// the tools and match its parameters schema.
    /// </summary>
    public static TokenGrammar Text(Qwen3Tokenizer tokenizer, IReadOnlyList<ChatTool> tools, int maxCalls)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(tools);
        var builder = new GrammarBuilder();
        var (start, end) = ToolCallTokens(tokenizer, required: false);
        int[] tags = [.. new[] { start, end }.OfType<int>()];
        int text = builder.FreeText(tags);
        if (maxCalls == 0 || tools.Count == 0 || start is null)
        {
            return new TokenGrammar(tokenizer, builder, text, "text without tool calls");
        }

        // The text before a call ends at <tool_call>; the calls body then starts after that token.
        int lead = builder.FreeText(end is { } e ? [e] : [], terminatorTokenId: start.Value);
        int calls = ToolCallsBody(builder, tokenizer, tools, maxCalls, openedBy: lead);
        return new TokenGrammar(tokenizer, builder, builder.Choice(text, calls), $"text or tool calls ({Names(tools)})");
    }

    /// <summary>Free text that never starts a tool call (OpenAI's tool_choice "none").</summary>
    public static TokenGrammar TextWithoutToolCalls(Qwen3Tokenizer tokenizer) => Text(tokenizer, [], maxCalls: 0);

    internal GrammarState CreateState() => new(this);

    /// <summary>
    /// Builds the vocabulary tables constrained decoding needs for <paramref name="tokenizer"/> (a few hundred
    /// milliseconds, once per tokenizer) on a pool thread, so the first constrained request does not wait for them.
    /// </summary>
    public static Task WarmUpAsync(Qwen3Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Task.Run(() => TokenVocabulary.For(tokenizer));
    }

    /// <summary>
    /// Calls separated by newlines, each <c>&lt;tool_call&gt;\n{"name": "…", "arguments": …}\n&lt;/tool_call&gt;</c>
    /// (the form Qwen3's template teaches), or with Qwen3-Coder's template its XML body (<see cref="CoderCallGrammar"/>). <paramref name="openedBy"/> replaces the first call's opening token
    /// when something before it already consumed that token.
    /// </summary>
    private static int ToolCallsBody(GrammarBuilder builder, Qwen3Tokenizer tokenizer, IReadOnlyList<ChatTool> tools, int maxCalls, int openedBy = -1) =>
        Compile(GrammarPart.Tools, builder, $"tool calls ({Names(tools)})", () => CallsBody(builder, tokenizer, tools, maxCalls, openedBy));

    /// <summary>
    /// Compiles one part of a grammar and checks it ends on its own, so that a refusal is attributed to the part
    /// (a left-recursive tool schema beside a JSON response format is the tools' fault, not the format's).
    /// </summary>
    private static int Compile(GrammarPart part, GrammarBuilder builder, string description, Func<int> compile)
    {
        try
        {
            int root = compile();
            GrammarCheck.RequireTerminating(builder.Nodes, root, description);
            return root;
        }
        catch (NotSupportedException ex) when (ex is not GrammarNotSupportedException)
        {
            throw new GrammarNotSupportedException(part, ex.Message, ex);
        }
    }

    private static int CallsBody(GrammarBuilder builder, Qwen3Tokenizer tokenizer, IReadOnlyList<ChatTool> tools, int maxCalls, int openedBy)
    {
        if (tools.Count == 0)
        {
            throw new NotSupportedException("a required tool call needs at least one tool");
        }

        var (start, end) = ToolCallTokens(tokenizer, required: true);
        var calls = tools.Select((tool, i) =>
        {
            string name = tool.Name ?? throw new NotSupportedException($"tools[{i}] has no function name");
            if (tokenizer.WritesXmlToolCalls)
            {
                return CoderCallGrammar.Call(builder, name, tool.Parameters, $"tool '{name}' parameters");
            }

            int arguments = tool.Parameters is { } schema
                ? JsonSchemaCompiler.Compile(builder, schema, $"tool '{name}' parameters")
                : builder.FreeObject(builder.AnyValue());
            return builder.Sequence(builder.Literal($"{{\"name\": {JsonText.Quote(name)}, \"arguments\": "), arguments, builder.Literal("}"));
        }).ToArray();
        int inner = builder.Sequence(builder.Literal("\n"), builder.Choice(calls), builder.Literal("\n"), builder.Token(end!.Value));
        int call = builder.Sequence(builder.Token(start!.Value), inner);
        int first = openedBy < 0 ? call : builder.Sequence(openedBy, inner);
        return maxCalls == 1 ? first : builder.Sequence(first, builder.Repeat(builder.Sequence(builder.Literal("\n"), call), 0, maxCalls - 1));
    }

    private static (int? Start, int? End) ToolCallTokens(Qwen3Tokenizer tokenizer, bool required)
    {
        int? start = tokenizer.ToolCallStartId;
        int? end = tokenizer.ToolCallEndId;
        if (required && (start is null || end is null))
        {
            throw new NotSupportedException("the tokenizer has no <tool_call> and </tool_call> tokens, so it cannot make tool calls");
        }

        return (start, end);
    }

    private static string Names(IReadOnlyList<ChatTool> tools) => string.Join(", ", tools.Select(t => t.Name));

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
}
