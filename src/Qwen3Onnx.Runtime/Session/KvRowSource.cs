namespace Qwen3Onnx.Runtime.Session;

/// <summary>One row of an existing cache, to be placed in a new cache by <see cref="KvCacheRows.Gather"/>.</summary>
internal readonly record struct KvRowSource(KvCache Cache, int Row);
