using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Qwen3Onnx.Runtime.Constraints;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Tokenization;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Qwen3Onnx.Runtime.Chat;

/// <summary>
/// <see cref="IChatClient"/> over a local <see cref="Qwen3Model"/>: messages go through Qwen3's chat template (tools
/// from <see cref="ChatOptions.Tools"/> included, <see cref="FunctionResultContent"/> as tool messages), thinking
/// comes back as <see cref="TextReasoningContent"/> and tool calls as <see cref="FunctionCallContent"/> (so
/// <c>UseFunctionInvocation()</c> works). <see cref="ChatOptions.ToolMode"/> and <see cref="ChatOptions.ResponseFormat"/>
/// are enforced by constrained decoding.
/// </summary>
public sealed class Qwen3ChatClient : IChatClient
{
    private readonly Qwen3Model _model;
    private readonly bool _ownsModel;

    public Qwen3ChatClient(Qwen3Model model, bool ownsModel = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _ownsModel = ownsModel;
        Metadata = new ChatClientMetadata("qwen3-onnx", null, model.ModelId);
    }

    public ChatClientMetadata Metadata { get; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AiChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (prompt, generation) = Prepare(messages, options);
        var result = await _model.GenerateAsync(prompt, generation, cancellationToken).ConfigureAwait(false);
        var contents = new List<AIContent>();
        if (result.Reasoning.Length > 0)
        {
            contents.Add(new TextReasoningContent(result.Reasoning));
        }

        if (result.Text.Length > 0 || result.ToolCalls.Count == 0)
        {
            contents.Add(new TextContent(result.Text));
        }

        contents.AddRange(result.ToolCalls.Select(FunctionCall));
        return new ChatResponse(new AiChatMessage(ChatRole.Assistant, contents))
        {
            ResponseId = Guid.NewGuid().ToString("N"),
            ModelId = _model.ModelId,
            CreatedAt = DateTimeOffset.UtcNow,
            FinishReason = Finish(result),
            Usage = Usage(result.Usage),
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AiChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (prompt, generation) = Prepare(messages, options);
        string responseId = Guid.NewGuid().ToString("N");
        await foreach (var delta in _model.GenerateStreamingAsync(prompt, generation, cancellationToken).ConfigureAwait(false))
        {
            AIContent content = delta.Result is { } result ? new UsageContent(Usage(result.Usage))
                : delta.ToolCall is { } call ? FunctionCall(call)
                : delta.IsReasoning ? new TextReasoningContent(delta.Text)
                : new TextContent(delta.Text);
            yield return new ChatResponseUpdate(ChatRole.Assistant, [content])
            {
                ResponseId = responseId,
                MessageId = responseId,
                ModelId = _model.ModelId,
                CreatedAt = DateTimeOffset.UtcNow,
                FinishReason = delta.Result is { } last ? Finish(last) : null,
            };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(_model) ? _model
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        if (_ownsModel)
        {
            _model.Dispose();
        }
    }

    private (int[] Prompt, GenerationOptions Generation) Prepare(IEnumerable<AiChatMessage> messages, ChatOptions? options)
    {
        var generation = ChatOptionsMapping.ToGenerationOptions(options, _model.DefaultSampling);
        var templateMessages = ChatMessageMapping.ToTemplateMessages(messages, options?.Instructions);
        var tools = ChatMessageMapping.ToTools(options);
        var prompt = _model.EncodeChat(templateMessages, generation.EnableThinking, tools);
        generation = generation with { Tools = tools };
        var constraints = ChatOptionsMapping.ToAnswerConstraints(options);
        if (constraints.IsFree)
        {
            return (prompt, generation);
        }

        var grammar = Grammar(constraints, tools, generation.EnableThinking);
        return (prompt, generation with { Sampling = (generation.Sampling ?? _model.DefaultSampling) with { Grammar = grammar } });
    }

    /// <summary>The answer's grammar; a part it cannot enforce is refused naming the option that asked for it.</summary>
    private TokenGrammar? Grammar(AnswerConstraints constraints, IReadOnlyList<ChatTool> tools, bool thinking)
    {
        try
        {
            return constraints.ToGrammar(_model.RequireTokenizer(), tools, thinking);
        }
        catch (GrammarNotSupportedException ex)
        {
            string option = ex.Part == GrammarPart.Tools ? "ChatOptions.Tools" : "ChatOptions.ResponseFormat";
            throw new GrammarNotSupportedException(ex.Part, $"{option}: {ex.Message}", ex);
        }
    }

    private static ChatFinishReason Finish(GenerationResult result) =>
        result.ToolCalls.Count > 0 ? ChatFinishReason.ToolCalls
        : result.FinishReason == FinishReason.Length ? ChatFinishReason.Length
        : ChatFinishReason.Stop;

    private static FunctionCallContent FunctionCall(ChatToolCall call) =>
        FunctionCallContent.CreateFromParsedArguments(call.Arguments, call.Id ?? Text.ToolCallText.NewCallId(), call.Name,
            static json => JsonSerializer.Deserialize<Dictionary<string, object?>>(json));

    private static UsageDetails Usage(GenerationUsage usage) => new()
    {
        InputTokenCount = usage.PromptTokens,
        OutputTokenCount = usage.NewTokens,
        TotalTokenCount = usage.PromptTokens + usage.NewTokens,
    };
}
