using System.CommandLine;
using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Cli;

/// <summary><c>--chat-template checkpoint|qwen3|qwen3-coder</c>, shared by run, serve and tokenize.</summary>
internal static class ChatTemplateOption
{
    public static Option<string> Create() => new("--chat-template")
    {
        Description = "checkpoint (its tokenizer_config.json template, refused unless it is Qwen3's or Qwen3-Coder's), qwen3 (Qwen3's hybrid template regardless) or qwen3-coder (Qwen3-Coder's regardless)",
        DefaultValueFactory = _ => "checkpoint",
    };

    public static ChatTemplateChoice Parse(string command, string value) => value switch
    {
        "checkpoint" => ChatTemplateChoice.Checkpoint,
        "qwen3" => ChatTemplateChoice.Qwen3,
        "qwen3-coder" => ChatTemplateChoice.Qwen3Coder,
        _ => throw new Qwen3OnnxException($"{command}: --chat-template must be checkpoint, qwen3 or qwen3-coder (got '{value}')"),
    };
}
