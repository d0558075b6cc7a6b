using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Cli;

/// <summary>
/// <c>qwen3-onnx tokenize --model DIR (--text T | --file F | --chat messages.json [--tools tools.json] [--no-think]) [--json]</c>:
/// prints the token ids of a text, or of a conversation rendered with Qwen3's chat template (text first).
/// </summary>
public static class TokenizeCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly Option<string> Model = new("--model") { Description = "Folder with tokenizer.json (and tokenizer_config.json)", Required = true };
    private static readonly Option<string?> Text = new("--text") { Description = "Text to encode" };
    private static readonly Option<string?> File = new("--file") { Description = "UTF-8 file whose text to encode" };
    private static readonly Option<string?> Chat = new("--chat") { Description = "messages.json (OpenAI-style list) to render with the chat template, then encode" };
    private static readonly Option<string?> Tools = new("--tools") { Description = "tools.json (list of tool definitions) for --chat" };
    private static readonly Option<bool> NoThink = new("--no-think") { Description = "With --chat: disable thinking (empty think block)" };
    private static readonly Option<string> Template = ChatTemplateOption.Create();
    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON ({\"ids\": [...]}, plus \"text\" for --chat)" };

    public static Command Create()
    {
        var command = new Command("tokenize", "Encode text or a chat conversation to Qwen3 token ids");
        foreach (var option in new Option[] { Model, Text, File, Chat, Tools, NoThink, Template, Json })
        {
            command.Options.Add(option);
        }

        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult parse)
    {
        var output = parse.InvocationConfiguration.Output;
        try
        {
            var tokenizer = Qwen3Tokenizer.Load(parse.GetValue(Model)!, ChatTemplateOption.Parse("tokenize", parse.GetValue(Template)!));
            (string text, bool isChat) = InputText(parse, tokenizer);
            int[] ids = tokenizer.Encode(text);
            output.Write(Format(text, ids, isChat, parse.GetValue(Json)));
            return 0;
        }
        catch (Qwen3OnnxException ex)
        {
            return CliErrors.Report(ex, parse.InvocationConfiguration.Error);
        }
    }

    /// <summary>Exactly one source: --text, --file, or --chat (which alone takes --tools and --no-think).</summary>
    private static (string Text, bool IsChat) InputText(ParseResult parse, Qwen3Tokenizer tokenizer)
    {
        string? text = parse.GetValue(Text);
        string? file = parse.GetValue(File);
        string? chat = parse.GetValue(Chat);
        if (new[] { text, file, chat }.Count(source => source is not null) != 1)
        {
            throw new Qwen3OnnxException("tokenize: give exactly one of --text, --file or --chat");
        }

        if (chat is null && (parse.GetValue(Tools) is not null || parse.GetValue(NoThink)))
        {
            throw new Qwen3OnnxException("tokenize: --tools and --no-think go with --chat");
        }

        return chat is not null ? (RenderChat(parse, chat, tokenizer), true) : (text ?? ReadFile(file!), false);
    }

    private static string RenderChat(ParseResult parse, string messagesPath, Qwen3Tokenizer tokenizer)
    {
        string? toolsPath = parse.GetValue(Tools);
        var options = new ChatTemplateOptions
        {
            EnableThinking = !parse.GetValue(NoThink),
            Tools = toolsPath is null ? [] : ChatMessagesJson.ReadToolsFile(toolsPath),
        };
        return tokenizer.RenderChat(ChatMessagesJson.ReadMessagesFile(messagesPath), options);
    }

    private static string ReadFile(string path)
    {
        try
        {
            return System.IO.File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Qwen3OnnxException($"{path}: cannot read ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }
    }

    private static string Format(string text, int[] ids, bool isChat, bool json)
    {
        if (json)
        {
            object payload = isChat ? new { text, ids } : new { ids };
            return JsonSerializer.Serialize(payload, JsonOptions) + Environment.NewLine;
        }

        string idLine = string.Join(' ', ids) + Environment.NewLine;
        return isChat ? text + (text.EndsWith('\n') ? "" : Environment.NewLine) + idLine : idLine;
    }
}
