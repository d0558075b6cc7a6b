namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>Which chat template a tokenizer renders conversations with.</summary>
public enum ChatTemplateChoice
{
    /// <summary>
    /// The checkpoint's own (tokenizer_config.json's <c>chat_template</c>), which must be one this runtime renders
    /// byte for byte — Qwen3's hybrid-thinking template or Qwen3-Coder's — or absent (Qwen3's is then used); any
    /// other is refused, not approximated.
    /// </summary>
    Checkpoint,

    /// <summary>Qwen3's hybrid-thinking template, whatever the checkpoint carries.</summary>
    Qwen3,

    /// <summary>Qwen3-Coder's template (XML tool calls, no thinking), whatever the checkpoint carries.</summary>
    Qwen3Coder,
}
