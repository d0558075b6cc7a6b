namespace Qwen3Onnx.Runtime.Session;

/// <summary>
/// How a session keeps key/value caches between steps, chosen once when it opens: <see cref="GrowingKvCache"/>
/// (each step's presents become the next step's pasts) or <see cref="FixedKvCache"/> (GroupQueryAttention appends in
/// place into buffers sized for the whole generation, a CUDA graph replaying the decode step).
/// </summary>
internal interface IKvCacheStrategy : IDisposable
{
    /// <summary>An empty cache for <paramref name="batchSize"/> rows and up to <paramref name="capacity"/> positions (0: unknown).</summary>
    KvCache Create(int batchSize, int capacity);

    /// <summary>The cache to decode on after a batch's rows changed: <paramref name="filled"/> (a host cache of exactly its rows), or a replacement that took over its contents.</summary>
    KvCache Refit(KvCache filled, int capacity);

    /// <summary>One step of a batch already checked against the cache; on return the cache holds past + new.</summary>
    ForwardOutput Forward(ForwardBatch batch, KvCache cache, CancellationToken cancellation);

    /// <summary>Stops the step in flight (it then throws).</summary>
    void Abort();
}
