using System.Runtime.ExceptionServices;

namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// Computes a row's next grammar mask on a pool thread while the forward pass runs: the mask depends only on the
/// tokens already accepted, so on a GPU its cost hides behind the step. The work item is reused, so a step
/// allocates nothing; <see cref="Wait"/> rethrows what the computation threw.
/// </summary>
internal sealed class MaskPrefetch(GrammarState state) : IThreadPoolWorkItem
{
    private readonly ManualResetEventSlim _done = new(initialState: true);
    private ExceptionDispatchInfo? _error;

    public void Start()
    {
        Wait();
        _done.Reset();
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    public void Execute()
    {
        try
        {
            state.ComputeMask();
        }
        catch (Exception ex)
        {
            _error = ExceptionDispatchInfo.Capture(ex);
        }
        finally
        {
            _done.Set();
        }
    }

    public void Wait()
    {
        _done.Wait();
        if (_error is { } error)
        {
            _error = null;
            error.Throw();
        }
    }
}
