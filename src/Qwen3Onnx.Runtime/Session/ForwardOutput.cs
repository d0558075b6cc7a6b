using Microsoft.ML.OnnxRuntime;

namespace Qwen3Onnx.Runtime.Session;

/// <summary>The float32 logits of one forward step, read in place from ONNX Runtime's output buffer.</summary>
public sealed class ForwardOutput : IDisposable
{
    private readonly OrtValue _logits;
    private readonly int _positions;
    private readonly int _vocab;
    private readonly bool _ownsLogits;

    internal ForwardOutput(OrtValue logits, bool ownsLogits = true)
    {
        _logits = logits;
        _ownsLogits = ownsLogits;
        var shape = logits.GetTensorTypeAndShape().Shape;
        BatchSize = (int)shape[0];
        _positions = (int)shape[1];
        _vocab = (int)shape[2];
    }

    public int BatchSize { get; }

    /// <summary>Logits of the last position of a row (what sampling needs).</summary>
    public ReadOnlySpan<float> LastLogits(int row) => Logits(row, _positions - 1);

    /// <summary>Logits at one returned position of a row (a last-token-only graph returns one position).</summary>
    public ReadOnlySpan<float> Logits(int row, int position)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)BatchSize, nameof(row));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)position, (uint)_positions, nameof(position));
        return _logits.GetTensorDataAsSpan<float>().Slice(((row * _positions) + position) * _vocab, _vocab);
    }

    public int Positions => _positions;

    public int VocabSize => _vocab;

    /// <summary>Releases the logits unless they live in a session buffer that the next step overwrites.</summary>
    public void Dispose()
    {
        if (_ownsLogits)
        {
            _logits.Dispose();
        }
    }
}
