using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Qwen3Onnx.Cli.Demo;
using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime;
using Qwen3Onnx.Runtime.Chat;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Session;

namespace Qwen3Onnx.Cli;

/// <summary>
/// <c>qwen3-onnx run [--model DIR] [--prompt TEXT | --prompt-ids 1,2,3] [sampling flags] [--json]</c>: one answer
/// streamed to stdout, or an interactive chat when no prompt is given. Without <c>--model</c> it runs the demo model.
/// </summary>
public static class RunCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly Option<string?> Model = new("--model") { Description = "Export folder (from 'qwen3-onnx export'); default: the built-in demo model" };
    private static readonly Option<string?> Prompt = new("--prompt") { Description = "Text to answer (rendered as a user turn with the chat template)" };
    private static readonly Option<string?> PromptIds = new("--prompt-ids") { Description = "Comma-separated token ids fed to the model as they are" };
    private static readonly Option<int> MaxNewTokens = new("--max-new-tokens") { Description = "Most tokens to generate", DefaultValueFactory = _ => 256 };
    private static readonly Option<bool> Greedy = new("--greedy") { Description = "Always take the most likely token" };
    private static readonly Option<float?> Temperature = new("--temperature") { Description = "Sampling temperature (default: the export's generation config)" };
    private static readonly Option<int?> TopK = new("--top-k") { Description = "Keep the k most likely tokens (0: all)" };
    private static readonly Option<float?> TopP = new("--top-p") { Description = "Nucleus sampling threshold in (0, 1]" };
    private static readonly Option<float?> MinP = new("--min-p") { Description = "Drop tokens below min-p times the most likely one" };
    private static readonly Option<ulong?> Seed = new("--seed") { Description = "Seed for reproducible sampling" };
    private static readonly Option<float?> RepetitionPenalty = new("--repetition-penalty") { Description = "HF repetition penalty (1: off)" };
    private static readonly Option<bool> NoThink = new("--no-think") { Description = "Disable thinking (empty think block in the prompt)" };
    private static readonly Option<string> Ep = new("--ep") { Description = "Execution provider: cpu, cuda or dml", DefaultValueFactory = _ => "cpu" };
    private static readonly Option<string?> EpLibrary = new("--ep-library") { Description = "Plugin execution provider library to register" };
    private static readonly Option<bool> CudaGraph = new("--cuda-graph") { Description = "capture the decode step as a CUDA graph and replay it (--ep cuda, fused exports)" };
    private static readonly Option<bool> Json = new("--json") { Description = "Print one JSON object: ids, text, prompt_tokens, new_tokens, tok_per_s" };
    private static readonly Option<string> Template = ChatTemplateOption.Create();
    private static readonly Option<string?> JsonSchema = new("--json-schema") { Description = "Answer with JSON this schema file allows (constrained decoding)" };

    public static Command Create()
    {
        var command = new Command("run", "Generate with an exported model: one prompt, or an interactive chat");
        foreach (var option in new Option[] { Model, Prompt, PromptIds, MaxNewTokens, Greedy, Temperature, TopK, TopP, MinP, Seed, RepetitionPenalty, NoThink, Ep, EpLibrary, CudaGraph, Json, JsonSchema, Template })
        {
            command.Options.Add(option);
        }

        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult parse)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            var settings = SessionSettings.Parse(parse.GetValue(Ep)!, parse.GetValue(EpLibrary)) with { CudaGraph = parse.GetValue(CudaGraph) };
            int[]? ids = ParseIds(parse.GetValue(PromptIds));
            string? prompt = parse.GetValue(Prompt);
            if (prompt is not null && ids is not null)
            {
                throw new Qwen3OnnxException("run: give --prompt or --prompt-ids, not both");
            }

            string? folder = parse.GetValue(Model);
            if (folder is null)
            {
                folder = DemoModel.EnsureBuilt(error);
                DemoNotice.Write(error, folder);
                prompt ??= ids is null && Console.IsInputRedirected ? DemoModel.Prompt : null;
            }

            using var model = Qwen3Model.Load(folder, settings, ChatTemplateOption.Parse("run", parse.GetValue(Template)!));
            var options = Options(parse, model);
            if (prompt is null && ids is null)
            {
                RequireNoJson(parse);
                return InteractiveChat.Run(new ChatSession(model, options: options), output, error);
            }

            var promptIds = ids ?? model.EncodePrompt(prompt!, options.EnableThinking);
            if (parse.GetResult(MaxNewTokens) is { Implicit: false })
            {
                NoteCap(options.MaxNewTokens, promptIds.Length, model.ContextLength, error);
            }

            var result = parse.GetValue(Json) ? PrintJson(model, promptIds, options, output) : Stream(model, promptIds, options, output);
            PrintStats(result.Usage, error);
            return 0;
        }
        catch (Qwen3OnnxException ex)
        {
            return CliErrors.Report(ex, error);
        }
    }

    private static GenerationOptions Options(ParseResult parse, Qwen3Model model)
    {
        bool thinking = !parse.GetValue(NoThink);
        var sampling = Sampling(parse, model.DefaultSampling);
        if (parse.GetValue(JsonSchema) is { } schemaFile)
        {
            sampling = sampling with { Grammar = JsonSchemaFile.Grammar("run", schemaFile, model.RequireTokenizer(), thinking) };
        }

        return new GenerationOptions { MaxNewTokens = parse.GetValue(MaxNewTokens), Sampling = sampling, EnableThinking = thinking };
    }

    /// <summary>The export's defaults, overridden by the flags, through the mapper the server and ChatOptions use too.</summary>
    private static SamplingOptions Sampling(ParseResult parse, SamplingOptions defaults)
    {
        try
        {
            return SamplingFlags(parse).ApplyTo(defaults, field => "--" + field.Replace('_', '-'));
        }
        catch (SamplingRequestException ex)
        {
            throw new Qwen3OnnxException($"run: {ex.Message}", ex);
        }
    }

    private static SamplingRequest SamplingFlags(ParseResult parse) => new()
    {
        Greedy = parse.GetValue(Greedy),
        Temperature = parse.GetValue(Temperature),
        TopK = parse.GetValue(TopK),
        TopP = parse.GetValue(TopP),
        MinP = parse.GetValue(MinP),
        Seed = parse.GetValue(Seed),
        RepetitionPenalty = parse.GetValue(RepetitionPenalty),
    };

    /// <summary>Generation stops where the context ends; a larger request is not refused, but the user hears of the cap.</summary>
    private static void NoteCap(int maxNewTokens, int promptTokens, int context, TextWriter error)
    {
        int room = context - promptTokens;
        if (maxNewTokens > room && room > 0)
        {
            error.WriteLine($"note: --max-new-tokens {maxNewTokens} is capped at {room}: the context holds {context} tokens and the prompt takes {promptTokens}");
        }
    }

    private static int[]? ParseIds(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var ids = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out ids[i]))
            {
                throw new Qwen3OnnxException($"--prompt-ids: '{parts[i]}' is not a token id (expected comma-separated non-negative integers)");
            }
        }

        return ids;
    }

    private static void RequireNoJson(ParseResult parse)
    {
        if (parse.GetValue(Json))
        {
            throw new Qwen3OnnxException("run: --json needs --prompt or --prompt-ids");
        }
    }

    private static GenerationResult Stream(Qwen3Model model, int[] promptIds, GenerationOptions options, TextWriter output)
    {
        var printer = new AnswerPrinter(output);
        GenerationResult? result = null;
        foreach (var delta in model.GenerateStreamingAsync(promptIds, options).ToBlockingEnumerable())
        {
            printer.Write(delta);
            result = delta.Result ?? result;
        }

        if (model.Tokenizer is null)
        {
            output.Write(string.Join(' ', result!.Ids));
        }

        output.WriteLine();
        return result!;
    }

    private static GenerationResult PrintJson(Qwen3Model model, int[] promptIds, GenerationOptions options, TextWriter output)
    {
        var result = model.Generate(promptIds, options);
        var payload = new Dictionary<string, object> { ["ids"] = result.Ids };
        if (model.Tokenizer is not null)
        {
            payload["text"] = result.Text;
        }

        payload["prompt_tokens"] = result.Usage.PromptTokens;
        payload["new_tokens"] = result.Usage.NewTokens;
        payload["tok_per_s"] = Math.Round(result.Usage.TokensPerSecond, 2);
        output.WriteLine(JsonSerializer.Serialize(payload, JsonOptions));
        return result;
    }

    internal static void PrintStats(GenerationUsage usage, TextWriter error) =>
        error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{usage.NewTokens} tokens, {usage.TokensPerSecond:F1} tok/s, time to first token {usage.TimeToFirstToken.TotalMilliseconds:F0} ms, peak memory {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0):F0} MiB"));
}
