using System.Text.Json;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// What a chat request asks of the answer's shape — tool choice, parallel calls, a JSON response format — in one
/// place for the server and <c>Qwen3ChatClient</c>, turned into the grammar the sampler enforces (or null when the
/// answer is free). A request that cannot be met (a required call without tools, an unknown function, a schema
/// keyword the decoder cannot enforce) throws instead of being answered unconstrained.
/// </summary>
public sealed record AnswerConstraints
{
    public ToolChoice ToolChoice { get; init; }

    /// <summary>The tool <see cref="ToolChoice.Function"/> forces.</summary>
    public string? FunctionName { get; init; }

    public bool ParallelToolCalls { get; init; } = true;

    /// <summary>The answer is JSON: a value <see cref="JsonSchema"/> allows, or any object when that is null.</summary>
    public bool Json { get; init; }

    public JsonElement? JsonSchema { get; init; }

    public string? JsonSchemaName { get; init; }

    public bool IsFree => !Json && ToolChoice == ToolChoice.Auto && ParallelToolCalls;

    /// <param name="thinking">Whether the prompt lets the model open a thinking block (left unconstrained).</param>
    /// <exception cref="ArgumentException">A required call without tools, or a function that is not among them.</exception>
    /// <exception cref="NotSupportedException">A schema (response format or tool parameters) outside what the decoder enforces.</exception>
    public TokenGrammar? ToGrammar(Qwen3Tokenizer tokenizer, IReadOnlyList<ChatTool> tools, bool thinking)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(tools);
        switch (ToolChoice)
        {
            case ToolChoice.Required:
                return tools.Count == 0
                    ? throw new ArgumentException("a required tool call needs tools to call")
                    : TokenGrammar.ToolCalls(tokenizer, tools, ParallelToolCalls, thinking);
            case ToolChoice.Function:
                var tool = tools.FirstOrDefault(t => t.Name == FunctionName)
                    ?? throw new ArgumentException($"the forced function '{FunctionName}' is not among the tools ({string.Join(", ", tools.Select(t => t.Name))})");
                return TokenGrammar.ToolCalls(tokenizer, [tool], parallel: false, thinking);
            case ToolChoice.None:
                return Json ? JsonGrammar(tokenizer, thinking, orTools: []) : TokenGrammar.TextWithoutToolCalls(tokenizer);
            default:
                return Json ? JsonGrammar(tokenizer, thinking, orTools: tools)
                    : !ParallelToolCalls && tools.Count > 0 ? TokenGrammar.Text(tokenizer, tools, maxCalls: 1)
                    : null;
        }
    }

    private TokenGrammar JsonGrammar(Qwen3Tokenizer tokenizer, bool thinking, IReadOnlyList<ChatTool> orTools) =>
        TokenGrammar.Json(tokenizer, JsonSchema, thinking, JsonSchemaName, orTools.Count > 0 ? orTools : null, ParallelToolCalls);
}
