namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// A token from <c>tokenizer.json</c>'s <c>added_tokens</c>: matched as a whole anywhere in the text before
/// pre-tokenization. <paramref name="Special"/> tokens are the ones dropped by decoding with skipSpecialTokens.
/// </summary>
public sealed record AddedToken(string Content, int Id, bool Special);
