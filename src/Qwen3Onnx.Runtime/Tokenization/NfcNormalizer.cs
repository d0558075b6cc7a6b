using System.Text;
using Microsoft.ML.Tokenizers;

namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// tokenizer.json's <c>{"type": "NFC"}</c> normalizer (the library has none built in). Under
/// InvariantGlobalization .NET cannot normalize and leaves the text as it is.
/// </summary>
internal sealed class NfcNormalizer : Normalizer
{
    public static NfcNormalizer Instance { get; } = new();

    public override string Normalize(string original) => original.Normalize(NormalizationForm.FormC);

    public override string Normalize(ReadOnlySpan<char> original) => original.ToString().Normalize(NormalizationForm.FormC);
}
