using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Qwen3Onnx.Runtime.Generation;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Qwen3Onnx.Runtime.Chat;

/// <summary>
/// <see cref="IChatClient"/> over a local <see cref="Qwen3Model"/>: messages go through Qwen3's chat template (tools
/// from <see cref="ChatOptions.Tools"/> included), thinking comes back as <see cref="TextReasoningContent"/>.
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

        contents.Add(new TextContent(result.Text));
        return new ChatResponse(new AiChatMessage(ChatRole.Assistant, contents))
        {
            ResponseId = Guid.NewGuid().ToString("N"),
            ModelId = _model.ModelId,
            CreatedAt = DateTimeOffset.UtcNow,
            FinishReason = Finish(result.FinishReason),
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
                : delta.IsReasoning ? new TextReasoningContent(delta.Text)
                : new TextContent(delta.Text);
            yield return new ChatResponseUpdate(ChatRole.Assistant, [content])
            {
                ResponseId = responseId,
                MessageId = responseId,
                ModelId = _model.ModelId,
                CreatedAt = DateTimeOffset.UtcNow,
                FinishReason = delta.Result is { } last ? Finish(last.FinishReason) : null,
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
        return (_model.EncodeChat(templateMessages, generation.EnableThinking, ChatMessageMapping.ToTools(options)), generation);
    }

    private static ChatFinishReason Finish(FinishReason reason) => reason == FinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;

    private static UsageDetails Usage(GenerationUsage usage) => new()
    {
        InputTokenCount = usage.PromptTokens,
        OutputTokenCount = usage.NewTokens,
        TotalTokenCount = usage.PromptTokens + usage.NewTokens,
    };
}
