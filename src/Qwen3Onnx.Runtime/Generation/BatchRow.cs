using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>
/// A row's state in a <see cref="RunningBatch"/>. Its attention-mask row is 0 for the first <see cref="Padding"/>
/// columns and 1 after (left padding only ever grows at the front), so the padding count is all that is stored;
/// the row's next position is the count of its real tokens.
/// </summary>
internal sealed class BatchRow(int id, Sampler sampler, int maxNewTokens, IReadOnlySet<int> stopIds)
{
    public int Id { get; } = id;

    public Sampler Sampler { get; } = sampler;

    public int MaxNewTokens { get; } = maxNewTokens;

    public IReadOnlySet<int> StopIds { get; } = stopIds;

    public int Padding { get; set; }

    public int Produced { get; set; }

    public int LastToken { get; set; }

    /// <summary>Finished or removed: it emits nothing more and is dropped at the next step boundary.</summary>
    public bool IsLeaving { get; set; }

    public long NextPosition(int width) => width - Padding;
}
