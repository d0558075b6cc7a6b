using System.Threading.Channels;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Server;

/// <summary>
/// One request's row in a batch: the scheduler writes its tokens, the endpoint reads them. The endpoint cancels it
/// (client gone, stop string seen) and the scheduler drops the row at its next step.
/// </summary>
public sealed class ScheduledRow
{
    private readonly Channel<TokenEvent> _tokens = Channel.CreateUnbounded<TokenEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private volatile bool _cancelled;

    public ScheduledRow(int[] prompt, SamplingOptions sampling, int maxTokens)
    {
        Prompt = prompt;
        Sampling = sampling;
        MaxTokens = maxTokens;
    }

    public int[] Prompt { get; }

    public SamplingOptions Sampling { get; }

    public int MaxTokens { get; }

    internal BatchRowRequest Request => new() { Prompt = Prompt, Sampling = Sampling, MaxNewTokens = MaxTokens };

    public ChannelReader<TokenEvent> Tokens => _tokens.Reader;

    public bool IsCancelled => _cancelled;

    internal int Produced { get; private set; }

    internal bool IsFinished { get; private set; }

    public void Cancel() => _cancelled = true;

    /// <summary>Hands a token to the reader; returns true when it was the row's last.</summary>
    internal bool Deliver(TokenEvent token)
    {
        if (token.TokenId >= 0)
        {
            Produced++;
        }

        FinishReason? finish = token.Finish ?? (Produced >= MaxTokens ? FinishReason.Length : null);
        _tokens.Writer.TryWrite(token with { Finish = finish });
        if (finish is not null)
        {
            Finish(null);
        }

        return finish is not null;
    }

    internal void Finish(Exception? error)
    {
        IsFinished = true;
        _tokens.Writer.TryComplete(error);
    }
}
