using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Runtime;

/// <summary>How to continue a prompt: length limit, sampling, stop strings and thinking.</summary>
public sealed record GenerationOptions
{
    public int MaxNewTokens
    {
        get;
        init => field = value > 0 ? value : throw new Qwen3OnnxException($"max new tokens must be positive (got {value})");
    } = 256;

    /// <summary>Null takes the export's generation defaults (its <c>generation_config.json</c>).</summary>
    public SamplingOptions? Sampling { get; init; }

    /// <summary>Texts that end the answer when generated (possibly across tokens); they are not part of the result.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>For text prompts rendered with the chat template: false appends an empty think block.</summary>
    public bool EnableThinking { get; init; } = true;

    /// <summary>
    /// The tools the prompt offers. Tool calls in the answer are read against them: Qwen3-Coder writes each argument
    /// as text, typed here by the tool's parameter schema.
    /// </summary>
    public IReadOnlyList<Tokenization.ChatTool> Tools { get; init; } = [];
}
