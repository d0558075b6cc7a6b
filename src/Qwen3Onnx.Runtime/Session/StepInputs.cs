using Microsoft.ML.OnnxRuntime;

namespace Qwen3Onnx.Runtime.Session;

/// <summary>One step's graph inputs in the contract's order: ids, mask and positions over the batch's arrays, then the cache's pasts.</summary>
internal sealed class StepInputs : IDisposable
{
    private readonly OrtValue _inputIds;
    private readonly OrtValue _mask;
    private readonly OrtValue _positions;

    public StepInputs(ForwardBatch batch, KvCache cache)
    {
        long[] tokenShape = [batch.BatchSize, batch.SequenceLength];
        _inputIds = OrtValue.CreateTensorValueFromMemory(batch.InputIds, tokenShape);
        _mask = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.AttentionMask.AsMemory(0, batch.BatchSize * batch.TotalLength), [batch.BatchSize, batch.TotalLength]);
        _positions = OrtValue.CreateTensorValueFromMemory(batch.PositionIds, tokenShape);
        Values = new OrtValue[3 + cache.Values.Count];
        Values[0] = _inputIds;
        Values[1] = _mask;
        Values[2] = _positions;
        for (int i = 0; i < cache.Values.Count; i++)
        {
            Values[3 + i] = cache.Values[i];
        }
    }

    public OrtValue[] Values { get; }

    /// <summary>Releases the wrappers over the batch's arrays; the pasts belong to the cache.</summary>
    public void Dispose()
    {
        _inputIds.Dispose();
        _mask.Dispose();
        _positions.Dispose();
    }
}
