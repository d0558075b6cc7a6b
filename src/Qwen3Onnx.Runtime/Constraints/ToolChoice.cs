namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>Whether the answer may, must or must not call tools (OpenAI's tool_choice).</summary>
public enum ToolChoice
{
    /// <summary>The model decides; calls it makes still follow their tool's schema when only one call is allowed.</summary>
    Auto,

    /// <summary>No tool calls.</summary>
    None,

    /// <summary>At least one call, to any of the tools.</summary>
    Required,

    /// <summary>One call, to the tool <see cref="AnswerConstraints.FunctionName"/> names.</summary>
    Function,
}
