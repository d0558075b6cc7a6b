using Microsoft.ML.OnnxRuntime;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Runtime.Session;

/// <summary>Adds the chosen execution provider to session options, with errors that say what is missing.</summary>
internal static class ExecutionProviders
{
    private static readonly object RegistrationLock = new();
    private static readonly HashSet<string> RegisteredLibraries = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds the provider; returns where its tensors live (null for the CPU), so that the key/value cache can stay there
    /// between steps instead of travelling through host memory, and (<paramref name="pinnedHost"/>) the provider's
    /// page-locked host memory where it offers one, for copies down that do not go through a staging buffer.
    /// </summary>
    public static OrtMemoryInfo? Apply(SessionOptions options, SessionSettings settings, out OrtMemoryInfo? pinnedHost)
    {
        pinnedHost = null;
        if (settings.DisableCpuFallback)
        {
            options.AddSessionConfigEntry("session.disable_cpu_ep_fallback", "1");
        }

        if (settings.ExecutionProvider == ExecutionProviderKind.Cuda)
        {
            // Weights go straight to device memory instead of through the arena, which grows in powers of two: a
            // 61 GB model (30B-A3B in fp16) would otherwise ask for more than an 80 GB GPU has.
            options.AddSessionConfigEntry("session.use_device_allocator_for_initializers", "1");
        }

        switch (settings.ExecutionProvider)
        {
            case ExecutionProviderKind.Cuda when settings.ExecutionProviderLibrary is { } library:
                return AppendPlugin(options, library, "CUDAExecutionProvider", settings.DeviceId, CudaOptions(settings), out pinnedHost);
            case ExecutionProviderKind.Cuda:
                AppendBuiltIn(() => AppendCuda(options, settings), "CUDA", "Microsoft.ML.OnnxRuntime.Gpu (build with -p:OrtFlavor=Gpu) or --ep-library <libonnxruntime_providers_cuda.so>");
                return new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, settings.DeviceId, OrtMemType.Default);
            case ExecutionProviderKind.DirectML:
                AppendBuiltIn(() => options.AppendExecutionProvider_DML(settings.DeviceId), "DirectML", "Microsoft.ML.OnnxRuntime.DirectML on Windows (build with -p:OrtFlavor=DirectML)");
                // DirectML's device memory is not addressable through IOBinding from .NET; keep the cache on the host.
                return null;
            default:
                return null;
        }
    }

    private static Dictionary<string, string> CudaOptions(SessionSettings settings)
    {
        var cuda = new Dictionary<string, string>
        {
            ["device_id"] = settings.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["arena_extend_strategy"] = "kSameAsRequested",
        };
        if (settings.CudaGraph)
        {
            cuda["enable_cuda_graph"] = "1";
        }

        return cuda;
    }

    private static void AppendCuda(SessionOptions options, SessionSettings settings)
    {
        using var cuda = new OrtCUDAProviderOptions();
        cuda.UpdateOptions(CudaOptions(settings));
        options.AppendExecutionProvider_CUDA(cuda);
    }

    private static void AppendBuiltIn(Action append, string name, string remedy)
    {
        try
        {
            append();
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            throw new Qwen3OnnxException($"the {name} execution provider is not available in this ONNX Runtime build ({FirstLine(ex.Message)}); install {remedy}", ex);
        }
    }

    private static OrtMemoryInfo AppendPlugin(SessionOptions options, string library, string epName, int deviceId, Dictionary<string, string> providerOptions, out OrtMemoryInfo? pinnedHost)
    {
        if (!File.Exists(library))
        {
            throw new Qwen3OnnxException($"{library}: execution provider library not found");
        }

        var env = OrtEnv.Instance();
        lock (RegistrationLock)
        {
            string fullPath = Path.GetFullPath(library);
            if (RegisteredLibraries.Add(fullPath))
            {
                try
                {
                    env.RegisterExecutionProviderLibrary(epName, fullPath);
                }
                catch (OnnxRuntimeException ex)
                {
                    RegisteredLibraries.Remove(fullPath);
                    throw new Qwen3OnnxException($"{library}: cannot register execution provider library ({FirstLine(ex.Message)})", ex);
                }
            }
        }

        var devices = env.GetEpDevices().Where(d => d.EpName == epName).ToList();
        if (devices.Count == 0)
        {
            throw new Qwen3OnnxException($"{library}: registered, but ONNX Runtime reports no {epName} device (is a GPU and its driver present?)");
        }

        var device = devices[Math.Min(deviceId, devices.Count - 1)];
        providerOptions.Remove("device_id");   // the plugin path picks the device itself
        options.AppendExecutionProvider(env, [device], providerOptions);
        pinnedHost = device.GetMemoryInfo(OrtDeviceMemoryType.HOST_ACCESSIBLE);
        return device.GetMemoryInfo(OrtDeviceMemoryType.DEFAULT);
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
