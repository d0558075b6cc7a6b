using System.Text;
using System.Text.RegularExpressions;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Tests.Tokenization;

/// <summary>
/// Inside the BMP, .NET's Regex gives the Qwen2 split pattern the same meaning as HF's Oniguruma, so there it is
/// an oracle for the rune-walking pre-tokenizer: encoding a text must equal encoding the regex's pieces one by one.
/// </summary>
[TestClass]
public sealed class Qwen2SplitTests
{
    private const string Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private static readonly Regex Split = new(Pattern, RegexOptions.CultureInvariant);

    private static readonly char[] Alphabet =
        [' ', ' ', '\t', '\n', '\r', 'a', 'B', 'e', '1', '7', '\'', 's', 'L', 'D', '.', ',', '!', '中', '\u00A0', '\u3000', '-', 'é', '\u0663', '\u01C5', '\u2028', '\u000B', '_', '"'];

    [TestMethod]
    [DataRow("\t\t x")]
    [DataRow("  \n  \r\n\tx  ")]
    [DataRow("x'S 'LL 'd 're've'm't")]
    [DataRow("...\n\n!!  ?? \r\r")]
    [DataRow("a\u00A0b\u3000中文 \u2028y")]
    [DataRow("#!/bin/bash\nset -e  \n\n  echo \"$HOME\"\n")]
    [DataRow("1 2  3   4\u0663\u0664")]
    public void HandPickedTextsSplitAsTheRegexDoes(string text)
    {
        Assert.AreEqual("", Mismatch(text));
    }

    [TestMethod]
    public void RandomTextsFromTrickyCharactersSplitAsTheRegexDoes()
    {
        var random = new Random(20261123);
        for (int sample = 0; sample < 2000; sample++)
        {
            var text = new StringBuilder();
            int length = random.Next(1, 16);
            for (int i = 0; i < length; i++)
            {
                text.Append(Alphabet[random.Next(Alphabet.Length)]);
            }

            string mismatch = Mismatch(text.ToString());
            Assert.AreEqual("", mismatch, $"text {TokenizerGoldens.Escape(text.ToString())}");
        }
    }

    private static string Mismatch(string text)
    {
        var tokenizer = TokenizerGoldens.Real;
        int[] expected = [.. Split.Matches(text).SelectMany(match => tokenizer.Encode(match.Value))];
        return TokenizerGoldens.FirstMismatch(expected, tokenizer.Encode(text));
    }
}
