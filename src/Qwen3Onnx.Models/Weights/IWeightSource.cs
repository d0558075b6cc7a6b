namespace Qwen3Onnx.Models.Weights;

/// <summary>
/// Where model weights come from: a safetensors checkpoint (single or sharded) or seeded synthetic
/// weights. Reads are by element range so that a consumer can stream a large tensor in slices and
/// never hold the whole model in memory.
/// </summary>
public interface IWeightSource : IDisposable
{
    /// <summary>A short description for messages and manifests (a folder path, or "synthetic (seed 1)").</summary>
    string Description { get; }

    bool Contains(string name);

    /// <summary>Returns the tensor's info; throws <see cref="Qwen3OnnxException"/> naming the tensor if absent.</summary>
    TensorInfo GetInfo(string name);

    /// <summary>
    /// Copies elements [<paramref name="elementOffset"/>, offset + destination.Length) of the tensor,
    /// in row-major order, converted exactly to float32. Safe to call from several threads at once (exporters read
    /// row groups in parallel).
    /// </summary>
    void ReadFloat32(string name, long elementOffset, Span<float> destination);
}
