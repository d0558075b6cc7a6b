namespace Qwen3Onnx.Hub;

/// <summary>A failure worth repeating the request for: a 5xx or 429 answer, a refused or dropped connection, a timeout.</summary>
internal sealed class TransientHubException : Exception
{
    public TransientHubException(string message)
        : base(message)
    {
    }

    public TransientHubException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
