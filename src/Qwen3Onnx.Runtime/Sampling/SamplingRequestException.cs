using Qwen3Onnx.Models;

namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>A sampling setting out of its bounds; <see cref="Field"/> is its OpenAI-style name (e.g. <c>temperature</c>).</summary>
public sealed class SamplingRequestException : Qwen3OnnxException
{
    public SamplingRequestException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    public string Field { get; }
}
