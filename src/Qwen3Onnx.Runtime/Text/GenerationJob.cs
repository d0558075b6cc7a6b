using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Text;

/// <summary>One call's worth of generation: the prompts of a batch and what to do with the text as it comes.</summary>
internal sealed record GenerationJob(
    Qwen3Engine Engine,
    Qwen3Tokenizer? Tokenizer,
    IReadOnlyList<IReadOnlyList<int>> Prompts,
    GenerationOptions Options,
    SamplingOptions Sampling,
    Action<TextDelta>? Sink);
