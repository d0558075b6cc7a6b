namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>One <see cref="Sampler"/> per batch row, so each row keeps its own options, seed and history.</summary>
public sealed class BatchSampler
{
    private readonly Sampler[] _rows;
    private readonly int _vocabSize;

    public BatchSampler(IReadOnlyList<SamplingOptions> rowOptions, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(rowOptions);
        _vocabSize = vocabSize;
        _rows = [.. rowOptions.Select(options => new Sampler(options, vocabSize))];
    }

    public int BatchSize => _rows.Length;

    public Sampler this[int row] => _rows[row];

    /// <summary>Samples every row of a [batch, vocab] logits block into <paramref name="tokens"/>.</summary>
    public void Sample(ReadOnlySpan<float> logits, Span<int> tokens)
    {
        if (logits.Length != _rows.Length * _vocabSize || tokens.Length != _rows.Length)
        {
            throw new ArgumentException(
                $"expected {_rows.Length} rows of {_vocabSize} logits and {_rows.Length} token slots, got {logits.Length} logits and {tokens.Length} slots");
        }

        for (var row = 0; row < _rows.Length; row++)
        {
            tokens[row] = _rows[row].Sample(logits.Slice(row * _vocabSize, _vocabSize));
        }
    }

    /// <summary>Records one token per row.</summary>
    public void Accept(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length != _rows.Length)
        {
            throw new ArgumentException($"expected {_rows.Length} tokens, one per row, got {tokens.Length}", nameof(tokens));
        }

        for (var row = 0; row < _rows.Length; row++)
        {
            _rows[row].Accept(tokens[row]);
        }
    }
}
