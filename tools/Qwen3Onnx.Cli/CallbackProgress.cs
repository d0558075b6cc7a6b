namespace Qwen3Onnx.Cli;

/// <summary>An <see cref="IProgress{T}"/> that reports synchronously on the caller's thread (Progress&lt;T&gt; posts asynchronously).</summary>
internal sealed class CallbackProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
