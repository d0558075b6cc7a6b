namespace Qwen3Onnx.Export;

/// <summary>The graph's input and output names (docs/ARCHITECTURE.md, "Graph I/O contract").</summary>
public static class GraphIoNames
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string PositionIds = "position_ids";
    public const string Logits = "logits";

    public const string Batch = "batch";
    public const string SequenceLength = "sequence_length";
    public const string PastSequenceLength = "past_sequence_length";
    public const string TotalSequenceLength = "total_sequence_length";

    public static string PastKey(int layer) => $"past_key_values.{layer}.key";

    public static string PastValue(int layer) => $"past_key_values.{layer}.value";

    public static string PresentKey(int layer) => $"present.{layer}.key";

    public static string PresentValue(int layer) => $"present.{layer}.value";

    /// <summary>input_ids, attention_mask, position_ids, then past key/value per layer.</summary>
    public static IReadOnlyList<string> Inputs(int layers) =>
        [InputIds, AttentionMask, PositionIds, .. Enumerable.Range(0, layers).SelectMany(i => new[] { PastKey(i), PastValue(i) })];

    /// <summary>logits, then present key/value per layer.</summary>
    public static IReadOnlyList<string> Outputs(int layers) =>
        [Logits, .. Enumerable.Range(0, layers).SelectMany(i => new[] { PresentKey(i), PresentValue(i) })];
}
