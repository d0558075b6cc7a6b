using Qwen3Onnx.Models;

namespace Qwen3Onnx.Hub;

/// <summary>Repeats an attempt after a <see cref="TransientHubException"/>, waiting base·2ⁿ (at most 30 s) between tries.</summary>
internal sealed class RetryPolicy(int maxRetries, TimeSpan baseDelay)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    public async Task<T> RunAsync<T>(string what, Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (int failures = 0; ; failures++)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (TransientHubException) when (failures < maxRetries)
            {
                await Task.Delay(DelayAfter(failures), cancellationToken).ConfigureAwait(false);
            }
            catch (TransientHubException ex)
            {
                throw new Qwen3OnnxException($"{what} failed after {failures + 1} attempt(s): {ex.Message}", ex);
            }
        }
    }

    private TimeSpan DelayAfter(int failures)
    {
        double scaled = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 16));
        return TimeSpan.FromMilliseconds(Math.Min(scaled, MaxDelay.TotalMilliseconds));
    }
}
