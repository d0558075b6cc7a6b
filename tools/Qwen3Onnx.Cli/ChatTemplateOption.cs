using System.CommandLine;
using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Cli;

/// <summary><c>--chat-template checkpoint|qwen3</c>, shared by run, serve and tokenize.</summary>
internal static class ChatTemplateOption
{
    public static Option<string> Create() => new("--chat-template")
    {
        Description = "checkpoint (its tokenizer_config.json template, refused unless it is Qwen3's) or qwen3 (Qwen3's hybrid template regardless)",
        DefaultValueFactory = _ => "checkpoint",
    };

    public static ChatTemplateChoice Parse(string command, string value) => value switch
    {
        "checkpoint" => ChatTemplateChoice.Checkpoint,
        "qwen3" => ChatTemplateChoice.Qwen3,
        _ => throw new Qwen3OnnxException($"{command}: --chat-template must be checkpoint or qwen3 (got '{value}')"),
    };
}
