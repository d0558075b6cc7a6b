using Qwen3Onnx.Onnx;

namespace Qwen3Onnx.Export.Weights;

/// <summary>A block-quantized [Rows, Columns] weight in the graph: uint8 codes and float scales initializers.</summary>
internal sealed record QuantizedWeight(OnnxValue Packed, OnnxValue Scales, long Rows, long Columns);
