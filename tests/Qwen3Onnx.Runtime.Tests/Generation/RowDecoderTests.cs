using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Text;
using Qwen3Onnx.Runtime.Tokenization;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Generation;

/// <summary>The text layer fed forced token sequences of the real Qwen3 tokenizer.</summary>
[TestClass]
public sealed class RowDecoderTests
{
    private static readonly Lazy<Qwen3Tokenizer> Tokenizer = new(() => Qwen3Tokenizer.Load(RealTokenizer.Folder));

    [TestMethod]
    public void ThinkingIsReportedApartFromTheAnswer()
    {
        var (deltas, result) = Decode("<think>\nTwo and two.\n</think>\n\nIt is 4.", stopStrings: []);

        Assert.AreEqual("Two and two.\n", result.Reasoning);
        Assert.AreEqual("It is 4.", result.Text);
        Assert.AreEqual(result.Reasoning, string.Concat(deltas.Where(d => d.IsReasoning).Select(d => d.Text)));
        Assert.AreEqual(result.Text, string.Concat(deltas.Where(d => !d.IsReasoning).Select(d => d.Text)));
        Assert.AreEqual(FinishReason.Stop, result.FinishReason);
    }

    [TestMethod]
    public void AStopStringSpanningTokensEndsTheAnswerBeforeIt()
    {
        int[] ids = Tokenizer.Value.Encode("Hello world, and more");
        Assert.IsTrue(Tokenizer.Value.Decode(ids[..1]) == "Hello", "the stop string must span tokens");

        var (deltas, result) = Decode("Hello world, and more", stopStrings: ["lo wor"]);

        Assert.AreEqual("Hel", result.Text);
        Assert.AreEqual("Hel", string.Concat(deltas.Select(d => d.Text)));
        Assert.AreEqual(FinishReason.Stop, result.FinishReason);
        Assert.AreEqual(2, result.Ids.Count);
    }

    [TestMethod]
    public void TextHeldBackForAStopStringIsReleasedWhenItCannotMatch()
    {
        var (deltas, result) = Decode("Hello world", stopStrings: ["world!"]);

        Assert.AreEqual("Hello world", result.Text);
        Assert.AreEqual("Hello world", string.Concat(deltas.Select(d => d.Text)));
    }

    [TestMethod]
    public void ACharacterSplitAcrossTokensIsNeverBroken()
    {
        const string text = "math 𝒜𝒷 and 🦜🦜";
        int[] ids = Tokenizer.Value.Encode(text);
        Assert.IsTrue(ids.Any(id => Tokenizer.Value.Decode([id]).Contains('\uFFFD')), "the text must split a character across tokens");

        var (deltas, result) = Decode(text, stopStrings: []);

        Assert.AreEqual(text, result.Text);
        Assert.IsFalse(deltas.Any(d => d.Text.Contains('\uFFFD')));
    }

    private static (List<TextDelta> Deltas, GenerationResult Result) Decode(string text, IReadOnlyList<string> stopStrings)
    {
        var tokenizer = Tokenizer.Value;
        int[] ids = [.. tokenizer.Encode(text), tokenizer.EosTokenId];
        var decoder = new RowDecoder(tokenizer, stopStrings);
        var deltas = new List<TextDelta>();
        for (int i = 0; i < ids.Length && !decoder.Done; i++)
        {
            bool last = i == ids.Length - 1;
            decoder.Accept(new TokenEvent(0, ids[i], IsEndOfSequence: last, last ? FinishReason.Stop : null), deltas);
        }

        return (deltas, decoder.ToResult(new GenerationUsage(0, decoder.TokenCount, TimeSpan.Zero, TimeSpan.Zero)));
    }
}
