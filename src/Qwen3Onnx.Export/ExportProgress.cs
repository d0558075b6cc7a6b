namespace Qwen3Onnx.Export;

/// <summary>One progress report: a stage ("layers", "writing model", …), steps done of total, weight bytes written so far.</summary>
public readonly record struct ExportProgress(string Stage, int Completed, int Total, long BytesWritten);
