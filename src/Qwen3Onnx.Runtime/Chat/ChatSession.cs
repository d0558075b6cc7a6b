using System.Runtime.CompilerServices;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Chat;

/// <summary>
/// A conversation with a model: each message is rendered with the whole history through the chat template. Only
/// the answer of an assistant turn is kept (its thinking is dropped, as Qwen3's template does for earlier turns);
/// a turn that fails or is cancelled leaves the history as it was.
/// </summary>
public sealed class ChatSession
{
    private readonly Qwen3Model _model;
    private readonly List<ChatMessage> _history = [];

    public ChatSession(Qwen3Model model, string? systemPrompt = null, GenerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        SystemPrompt = systemPrompt;
        Options = options ?? new GenerationOptions();
        Reset();
    }

    public string? SystemPrompt { get; }

    /// <summary>Applies to the next message (e.g. toggling <see cref="GenerationOptions.EnableThinking"/>).</summary>
    public GenerationOptions Options { get; set; }

    public IReadOnlyList<ChatMessage> History => _history;

    /// <summary>Forgets every turn but the system prompt.</summary>
    public void Reset()
    {
        _history.Clear();
        if (SystemPrompt is not null)
        {
            _history.Add(new ChatMessage(ChatMessageRole.System, SystemPrompt));
        }
    }

    public async Task<GenerationResult> SendAsync(string message, CancellationToken cancellation = default)
    {
        GenerationResult? result = null;
        await foreach (var delta in SendStreamingAsync(message, cancellation).ConfigureAwait(false))
        {
            result = delta.Result ?? result;
        }

        return result!;
    }

    /// <summary>Streams the answer to <paramref name="message"/>; the last delta carries the result.</summary>
    public async IAsyncEnumerable<TextDelta> SendStreamingAsync(string message, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        _history.Add(new ChatMessage(ChatMessageRole.User, message));
        bool answered = false;
        try
        {
            int[] prompt = _model.EncodeChat(_history, Options.EnableThinking);
            await foreach (var delta in _model.GenerateStreamingAsync(prompt, Options, cancellation).ConfigureAwait(false))
            {
                if (delta.Result is { } result)
                {
                    _history.Add(new ChatMessage(ChatMessageRole.Assistant, result.Text));
                    answered = true;
                }

                yield return delta;
            }
        }
        finally
        {
            if (!answered)
            {
                _history.RemoveAt(_history.Count - 1);
            }
        }
    }
}
