namespace Qwen3Onnx.Hub;

/// <summary>Decides from the cache alone whether a snapshot holds everything the exporter needs.</summary>
internal static class SnapshotInspector
{
    /// <summary>The first needed file the snapshot lacks, or null when it is complete.</summary>
    public static string? FirstMissing(RepoCache cache, string commit)
    {
        bool Has(string file) => File.Exists(cache.SnapshotFile(commit, file));

        if (!Has(CheckpointFiles.Config))
        {
            return CheckpointFiles.Config;
        }

        string? optional = CheckpointFiles.Optional.FirstOrDefault(file => !Has(file) && !cache.IsKnownMissing(commit, file));
        if (optional is not null)
        {
            return optional;
        }

        if (Has(CheckpointFiles.Index))
        {
            return CheckpointFiles.ShardsNamedBy(cache.SnapshotFile(commit, CheckpointFiles.Index)).FirstOrDefault(shard => !Has(shard));
        }

        return Has(CheckpointFiles.SingleWeights) ? null : CheckpointFiles.SingleWeights;
    }
}
