namespace Qwen3Onnx.Export;

/// <summary>What an export produced and what it cost.</summary>
public sealed record ExportSummary(
    string OutputFolder,
    int Layers,
    long Parameters,
    long BytesWritten,
    double Seconds,
    long PeakMemoryBytes,
    bool ExternalData)
{
    /// <summary>What the export left out or could not honour, one line each (e.g. ids genai_config.json cannot carry).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
