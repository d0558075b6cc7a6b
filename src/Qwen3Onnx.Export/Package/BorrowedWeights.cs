using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Export.Package;

/// <summary>A weight source the caller owns: reads pass through, disposing does not close it.</summary>
internal sealed class BorrowedWeights(IWeightSource inner) : IWeightSource
{
    public string Description => inner.Description;

    public bool Contains(string name) => inner.Contains(name);

    public TensorInfo GetInfo(string name) => inner.GetInfo(name);

    public void ReadFloat32(string name, long elementOffset, Span<float> destination) => inner.ReadFloat32(name, elementOffset, destination);

    public void Dispose()
    {
    }
}
