namespace Qwen3Onnx.Models.Package;

/// <summary>The graph's input and output names (docs/ARCHITECTURE.md, "Graph I/O contract"): the exporter writes them, the runtime and genai_config.json read them from here.</summary>
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

    /// <summary>Per-layer names as printf patterns, the form ONNX Runtime GenAI's genai_config.json takes.</summary>
    public const string PastKeyPattern = "past_key_values.%d.key";
    public const string PastValuePattern = "past_key_values.%d.value";
    public const string PresentKeyPattern = "present.%d.key";
    public const string PresentValuePattern = "present.%d.value";

    public static string PastKey(int layer) => ForLayer(PastKeyPattern, layer);

    public static string PastValue(int layer) => ForLayer(PastValuePattern, layer);

    public static string PresentKey(int layer) => ForLayer(PresentKeyPattern, layer);

    public static string PresentValue(int layer) => ForLayer(PresentValuePattern, layer);

    /// <summary>input_ids, attention_mask, position_ids, then past key/value per layer.</summary>
    public static IReadOnlyList<string> Inputs(int layers) =>
        [InputIds, AttentionMask, PositionIds, .. Enumerable.Range(0, layers).SelectMany(i => new[] { PastKey(i), PastValue(i) })];

    /// <summary>logits, then present key/value per layer.</summary>
    public static IReadOnlyList<string> Outputs(int layers) =>
        [Logits, .. Enumerable.Range(0, layers).SelectMany(i => new[] { PresentKey(i), PresentValue(i) })];

    private static string ForLayer(string pattern, int layer) => pattern.Replace("%d", layer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
