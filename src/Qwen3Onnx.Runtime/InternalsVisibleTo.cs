using System.Runtime.CompilerServices;

// The text layer (RowDecoder) and option mappings are tested with forced token sequences.
[assembly: InternalsVisibleTo("Qwen3Onnx.Runtime.Tests")]

// The demo tokenizer (tools/Qwen3Onnx.Demo) writes its vocabulary in the byte-level alphabet and splits its corpus
// with the Qwen2 pattern, as the real tokenizer files are made.
[assembly: InternalsVisibleTo("Qwen3Onnx.Demo")]
