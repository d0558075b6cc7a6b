using System.Runtime.InteropServices;

namespace Qwen3Onnx.Cli.Bench;

/// <summary>
/// Device memory in use on one NVIDIA GPU, read through NVML (libnvidia-ml, installed with the driver, so nothing to
/// ship): this process's allocation where the driver lists it by our pid, else — inside a container whose pids the
/// driver does not see — the whole device's use less what was in use before the session opened. ONNX Runtime's CUDA
/// arena keeps what it once allocated, so the largest reading after the reps is the peak.
/// </summary>
internal sealed unsafe class GpuMemoryProbe
{
    private const int Success = 0;
    private const ulong ValueNotAvailable = ulong.MaxValue;

    private readonly IntPtr _device;
    private readonly ulong _usedBefore;
    private readonly delegate* unmanaged<IntPtr, NvmlMemory*, int> _memoryInfo;
    private readonly delegate* unmanaged<IntPtr, uint*, NvmlProcessInfo*, int> _processes;
    private double _peakMib;

    private GpuMemoryProbe(IntPtr device, delegate* unmanaged<IntPtr, NvmlMemory*, int> memoryInfo, delegate* unmanaged<IntPtr, uint*, NvmlProcessInfo*, int> processes)
    {
        _device = device;
        _memoryInfo = memoryInfo;
        _processes = processes;
        _usedBefore = DeviceUsed() ?? 0;
    }

    /// <summary>"process" when NVML lists this process, "device" for the whole device less the baseline; null before any reading.</summary>
    public string? Scope { get; private set; }

    public double? PeakMib => Scope is null ? null : _peakMib;

    /// <summary>Starts a probe of GPU <paramref name="index"/> (NVML's numbering), or returns null where there is no NVIDIA driver.</summary>
    public static GpuMemoryProbe? TryStart(int index)
    {
        string library = OperatingSystem.IsWindows() ? "nvml.dll" : "libnvidia-ml.so.1";
        if (!NativeLibrary.TryLoad(library, typeof(GpuMemoryProbe).Assembly, null, out var handle))
        {
            return null;
        }

        if (!NativeLibrary.TryGetExport(handle, "nvmlInit_v2", out var init)
            || !NativeLibrary.TryGetExport(handle, "nvmlDeviceGetHandleByIndex_v2", out var byIndex)
            || !NativeLibrary.TryGetExport(handle, "nvmlDeviceGetMemoryInfo", out var memoryInfo)
            || !NativeLibrary.TryGetExport(handle, "nvmlDeviceGetComputeRunningProcesses_v3", out var processes))
        {
            return null;
        }

        IntPtr device;
        if (((delegate* unmanaged<int>)init)() != Success
            || ((delegate* unmanaged<uint, IntPtr*, int>)byIndex)((uint)index, &device) != Success)
        {
            return null;
        }

        return new GpuMemoryProbe(device, (delegate* unmanaged<IntPtr, NvmlMemory*, int>)memoryInfo, (delegate* unmanaged<IntPtr, uint*, NvmlProcessInfo*, int>)processes);
    }

    /// <summary>Takes one reading and keeps the largest.</summary>
    public void Sample()
    {
        if (ProcessUsed() is ulong mine)
        {
            Keep(mine, "process");
        }
        else if (DeviceUsed() is ulong used)
        {
            Keep(used > _usedBefore ? used - _usedBefore : 0, "device");
        }
    }

    private void Keep(ulong bytes, string scope)
    {
        _peakMib = Math.Max(_peakMib, bytes / (1024.0 * 1024.0));
        Scope ??= scope;
    }

    private ulong? DeviceUsed()
    {
        NvmlMemory memory;
        return _memoryInfo(_device, &memory) == Success ? memory.Used : null;
    }

    private ulong? ProcessUsed()
    {
        uint count = 64;
        var infos = stackalloc NvmlProcessInfo[(int)count];
        // More than 64 processes on the device (NVML_ERROR_INSUFFICIENT_SIZE) or no per-process accounting: the caller
        // falls back to the device-wide reading.
        if (_processes(_device, &count, infos) != Success)
        {
            return null;
        }

        for (int i = 0; i < count; i++)
        {
            if (infos[i].Pid == (uint)Environment.ProcessId && infos[i].UsedGpuMemory != ValueNotAvailable)
            {
                return infos[i].UsedGpuMemory;
            }
        }

        return null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlMemory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlProcessInfo
    {
        public uint Pid;
        public ulong UsedGpuMemory;
        public uint GpuInstanceId;
        public uint ComputeInstanceId;
    }
}
