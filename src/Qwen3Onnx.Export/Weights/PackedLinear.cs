namespace Qwen3Onnx.Export.Weights;

/// <summary>
/// HF linear weights [out_i, in] that read the same input, packed into one weight by concatenating their rows in
/// order (q ‖ k ‖ v, gate ‖ up): one projection computes every part's output side by side.
/// </summary>
internal sealed record PackedLinear(string Name, IReadOnlyList<string> Parts)
{
    /// <summary>A plain linear weight: one part, named after it.</summary>
    public static PackedLinear Single(string hfName) => new(hfName, [hfName]);
}
