namespace Qwen3Onnx.Models;

/// <summary>
/// A user-facing failure: bad input, a missing file, an unsupported model. The message is one line
/// that names the file, tensor or field at fault; the CLI prints it and exits non-zero.
/// </summary>
public class Qwen3OnnxException : Exception
{
    public Qwen3OnnxException(string message)
        : base(message)
    {
    }

    public Qwen3OnnxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
