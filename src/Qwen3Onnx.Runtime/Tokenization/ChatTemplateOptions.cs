namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>The variables Qwen3's chat template reads besides the messages.</summary>
public sealed record ChatTemplateOptions
{
    /// <summary>End with <c>&lt;|im_start|&gt;assistant\n</c> so the model answers next.</summary>
    public bool AddGenerationPrompt { get; init; } = true;

    /// <summary>When false, the generation prompt gets an empty think block, which turns thinking off.</summary>
    public bool EnableThinking { get; init; } = true;

    public IReadOnlyList<ChatTool> Tools { get; init; } = [];
}
