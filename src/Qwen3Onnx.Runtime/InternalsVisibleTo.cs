using System.Runtime.CompilerServices;

// The text layer (RowDecoder) and option mappings are tested with forced token sequences.
[assembly: InternalsVisibleTo("Qwen3Onnx.Runtime.Tests")]
