using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Qwen3Onnx.Runtime.Session;

/// <summary>The float32 logits of one forward step, read in place from ONNX Runtime's output buffer.</summary>
/// <remarks>
/// The buffer's address and shape are read once: ONNX Runtime's span accessors query the tensor's shape on every call,
/// an allocation per row per step on the decode loop's hot path.
/// </remarks>
public sealed unsafe class ForwardOutput : IDisposable
{
    private readonly OrtValue _logits;
    private readonly float* _data;
    private readonly int _positions;
    private readonly int _vocab;
    private readonly bool _ownsLogits;

    internal ForwardOutput(OrtValue logits, bool ownsLogits = true)
    {
        _logits = logits;
        _ownsLogits = ownsLogits;
        var info = logits.GetTensorTypeAndShape();
        if (info.ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float || info.Shape.Length != 3)
        {
            throw new ArgumentException($"logits of type {info.ElementDataType} and rank {info.Shape.Length}; expected float32 [batch, positions, vocab]", nameof(logits));
        }

        var shape = info.Shape;
        BatchSize = (int)shape[0];
        _positions = (int)shape[1];
        _vocab = (int)shape[2];
        // Native memory, or a managed array the value keeps pinned: the address holds while the value lives.
        _data = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(logits.GetTensorMutableRawData()));
    }

    public int BatchSize { get; }

    /// <summary>Logits of the last position of a row (what sampling needs).</summary>
    public ReadOnlySpan<float> LastLogits(int row) => Logits(row, _positions - 1);

    /// <summary>Logits at one returned position of a row (a last-token-only graph returns one position).</summary>
    public ReadOnlySpan<float> Logits(int row, int position)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)BatchSize, nameof(row));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)position, (uint)_positions, nameof(position));
        return new ReadOnlySpan<float>(_data + ((((long)row * _positions) + position) * _vocab), _vocab);
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
