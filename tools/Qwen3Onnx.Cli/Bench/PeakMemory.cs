using System.Diagnostics;

namespace Qwen3Onnx.Cli.Bench;

/// <summary>The process's peak resident set, restartable on Linux so an in-process export does not count.</summary>
internal static class PeakMemory
{
    /// <summary>
    /// Drops garbage, then resets the kernel's high-water mark (writing 5 to /proc/self/clear_refs) so the next
    /// reading covers only what runs after this call. Returns false where that is not possible.
    /// </summary>
    public static bool TryReset()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>VmHWM on Linux (what .NET reads for PeakWorkingSet64 there), the peak working set elsewhere.</summary>
    public static long PeakBytes()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PeakWorkingSet64;
    }
}
