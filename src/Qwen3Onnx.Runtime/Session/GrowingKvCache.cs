using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Qwen3Onnx.Models.Config;

namespace Qwen3Onnx.Runtime.Session;

/// <summary>
/// Caches that grow each step: the graph's presents (past ‖ new) replace the pasts. On an accelerator the presents
/// are bound to device memory, so the cache never leaves it and only the logits come back to the host.
/// </summary>
internal sealed class GrowingKvCache(GraphRunner runner, Qwen3Config config, TensorElementType elementType, OrtMemoryInfo? deviceMemory) : IKvCacheStrategy
{
    public KvCache Create(int batchSize, int capacity) =>
        KvCache.Empty(config.NumHiddenLayers, batchSize, config.NumKeyValueHeads, config.HeadDim, elementType);

    public KvCache Refit(KvCache filled, int capacity) => filled;

    public ForwardOutput Forward(ForwardBatch batch, KvCache cache, CancellationToken cancellation)
    {
        using var inputs = new StepInputs(batch, cache);
        GraphRunner.Arm(runner.RunOptions, cancellation);

        // The returned list is not disposed as a whole: logits go to the caller, presents into the cache.
        var outputs = deviceMemory is null
            ? runner.Run(inputs)
            : runner.RunBound(inputs, deviceMemory, static (binding, name, _, device) => binding.BindOutputToDevice(name, device));
        cache.Replace(outputs.Skip(1).ToArray(), batch.TotalLength);
        return new ForwardOutput(outputs[0]);
    }

    public void Abort() => runner.RunOptions.Terminate = true;

    public void Dispose()
    {
    }
}
