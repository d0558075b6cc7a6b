namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>The part of a request a grammar was compiled from, so that a refusal names the field a user set.</summary>
public enum GrammarPart
{
    /// <summary>The answer's JSON schema or JSON mode (OpenAI's <c>response_format</c>, <c>ChatOptions.ResponseFormat</c>).</summary>
    ResponseFormat,

    /// <summary>The tools and their parameters schemas (OpenAI's <c>tools</c>, <c>ChatOptions.Tools</c>).</summary>
    Tools,
}
