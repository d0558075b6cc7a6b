namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>What <c>tokenizer.json</c> holds for a byte-level BPE model: vocabulary, merges ("a b") and added tokens.</summary>
internal sealed record TokenizerModelData(
    IReadOnlyList<KeyValuePair<string, int>> Vocabulary,
    IReadOnlyList<string> Merges,
    IReadOnlyList<AddedToken> AddedTokens);
