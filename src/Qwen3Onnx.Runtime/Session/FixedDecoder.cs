using Microsoft.ML.OnnxRuntime;

namespace Qwen3Onnx.Runtime.Session;

/// <summary>
/// The decode step over a <see cref="FixedKvBuffers"/> set: one IOBinding, made once, that binds the fixed inputs,
/// the in-place past/present buffers and the logits buffer, and the run options that name its CUDA graph.
/// </summary>
internal sealed class FixedDecoder : IDisposable
{
    private readonly OrtAllocator? _deviceAllocator;
    private readonly OrtAllocator? _pinnedAllocator;

    public FixedDecoder(InferenceSession session, FixedBufferShape shape, OrtMemoryInfo? deviceMemory, OrtMemoryInfo? pinnedHostMemory, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames, int? cudaGraphId)
    {
        _deviceAllocator = deviceMemory is null ? null : new OrtAllocator(session, deviceMemory);
        _pinnedAllocator = deviceMemory is null ? null : PinnedAllocator(session, pinnedHostMemory);
        Buffers = new FixedKvBuffers(shape, _deviceAllocator ?? OrtAllocator.DefaultInstance, onDevice: deviceMemory is not null, _pinnedAllocator);
        GraphId = cudaGraphId ?? 0;
        RunOptions = new RunOptions();
        if (cudaGraphId is int id)
        {
            RunOptions.AddRunConfigEntry("gpu_graph_id", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Binding = session.CreateIoBinding();
        for (int i = 0; i < Buffers.DecodeInputs.Count; i++)
        {
            Binding.BindInput(inputNames[i], Buffers.DecodeInputs[i]);
        }

        Binding.BindOutput(outputNames[0], Buffers.DecodeLogits);
        for (int i = 0; i < Buffers.KeyValues.Count; i++)
        {
            Binding.BindInput(inputNames[3 + i], Buffers.KeyValues[i]);
            Binding.BindOutput(outputNames[1 + i], Buffers.KeyValues[i]);
        }
    }

    public FixedKvBuffers Buffers { get; }

    public OrtIoBinding Binding { get; }

    public RunOptions RunOptions { get; }

    public int GraphId { get; }

    public void Dispose()
    {
        Binding.Dispose();
        RunOptions.Dispose();
        Buffers.Dispose();
        _deviceAllocator?.Dispose();
        _pinnedAllocator?.Dispose();
    }

    /// <summary>The session's allocator for the provider's page-locked host memory, or null where it has none.</summary>
    private static OrtAllocator? PinnedAllocator(InferenceSession session, OrtMemoryInfo? pinnedHostMemory)
    {
        if (pinnedHostMemory is null)
        {
            return null;
        }

        try
        {
            return new OrtAllocator(session, pinnedHostMemory);
        }
        catch (OnnxRuntimeException)
        {
            return null;
        }
    }
}
