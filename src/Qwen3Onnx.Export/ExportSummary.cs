namespace Qwen3Onnx.Export;

/// <summary>What an export produced and what it cost.</summary>
public sealed record ExportSummary(
    string OutputFolder,
    int Layers,
    long Parameters,
    long BytesWritten,
    double Seconds,
    long PeakMemoryBytes,
    bool ExternalData);
