using Qwen3Onnx.Runtime.Session;

namespace Qwen3Onnx.Gpu.Tests;

/// <summary>
/// The CUDA session settings the GPU tests run under: the plugin provider library named by
/// <c>QWEN3ONNX_CUDA_EP_LIBRARY</c> (or the built-in CUDA provider when it is set to <c>builtin</c>). CPU fallback stays
/// allowed because ONNX Runtime keeps the graph's shape arithmetic on the host; that every compute node runs on CUDA is
/// what the CUDA-graph test shows (capture refuses a graph with other host nodes).
/// </summary>
internal static class CudaSettings
{
    public const string Variable = "QWEN3ONNX_CUDA_EP_LIBRARY";

    public static SessionSettings Get(bool cudaGraph = false)
    {
        string? library = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(library))
        {
            Assert.Inconclusive($"no GPU configured: set {Variable} to libonnxruntime_providers_cuda.so (or 'builtin')");
        }

        return new SessionSettings
        {
            ExecutionProvider = ExecutionProviderKind.Cuda,
            ExecutionProviderLibrary = library == "builtin" ? null : library,
            CudaGraph = cudaGraph,
        };
    }
}
