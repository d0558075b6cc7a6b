using Qwen3Onnx.Demo;
using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Tests.Tokenization;

[TestClass]
public sealed class Qwen3TokenizerTests
{
    private static Qwen3Tokenizer Tokenizer => TokenizerGoldens.Real;

    [TestMethod]
    public void DecomposedTextEncodesLikeItsNfcForm()
    {
        CollectionAssert.AreEqual(Tokenizer.Encode("caf\u00E9 \u00C5"), Tokenizer.Encode("cafe\u0301 A\u030A"));
    }

    [TestMethod]
    public void LettersOutsideTheBmpJoinTheFollowingContractionSplit()
    {
        // \p{L} matches 𝒜 (U+1D49C), so "𝒜's name" splits as "𝒜" | "'s" | " name" (UTF-16 regex would give "𝒜'" | "s" …).
        int[] expected = [.. Tokenizer.Encode("𝒜"), .. Tokenizer.Encode("'s"), .. Tokenizer.Encode(" name")];

        CollectionAssert.AreEqual(expected, Tokenizer.Encode("𝒜's name"));
    }

    [TestMethod]
    public void DigitsOutsideTheBmpAreSplitOneByOne()
    {
        int[] expected = [.. Tokenizer.Encode("x"), .. Tokenizer.Encode("𝟙"), .. Tokenizer.Encode("𝟚"), .. Tokenizer.Encode("𝟛")];

        CollectionAssert.AreEqual(expected, Tokenizer.Encode("x𝟙𝟚𝟛"));
    }

    [TestMethod]
    public void AddedTokensAreMatchedInsideWords()
    {
        int[] expected = [.. Tokenizer.Encode("a"), Tokenizer.ImEndId, .. Tokenizer.Encode("b"), Tokenizer.ThinkStartId, Tokenizer.ThinkEndId];

        CollectionAssert.AreEqual(expected, Tokenizer.Encode("a<|im_end|>b<think></think>"));
    }

    [TestMethod]
    public void AnIncompleteAddedTokenIsOrdinaryText()
    {
        int[] ids = Tokenizer.Encode("<|im_end|");

        CollectionAssert.DoesNotContain(ids, Tokenizer.ImEndId);
        Assert.AreEqual("<|im_end|", Tokenizer.Decode(ids));
    }

    [TestMethod]
    public void SkippingSpecialTokensKeepsThinkAndToolCallText()
    {
        int[] ids = Tokenizer.Encode("<|im_start|>assistant\n<think>x</think><tool_call>{}</tool_call><|im_end|><|endoftext|>");

        string decoded = Tokenizer.Decode(ids, skipSpecialTokens: true);

        Assert.AreEqual("assistant\n<think>x</think><tool_call>{}</tool_call>", decoded);
    }

    [TestMethod]
    public void UnknownIdsAreDroppedWhenDecoding()
    {
        Assert.AreEqual("Hello", Tokenizer.Decode([9707, 151_900, -1]));
    }

    [TestMethod]
    public void QwenIdsComeFromTheTokenizerFiles()
    {
        Assert.AreEqual(151669, Tokenizer.VocabularySize);
        Assert.AreEqual(151645, Tokenizer.EosTokenId);
        CollectionAssert.AreEqual(new[] { 151645, 151643 }, Tokenizer.EosTokenIds.ToArray());
        Assert.AreEqual(151643, Tokenizer.PadTokenId);
        Assert.AreEqual(151644, Tokenizer.ImStartId);
        Assert.AreEqual(151667, Tokenizer.ThinkStartId);
        Assert.AreEqual(151668, Tokenizer.ThinkEndId);
        Assert.AreEqual(9707, Tokenizer.TokenToId("Hello"));
        Assert.AreEqual("Ġworld", Tokenizer.IdToToken(1879));
        Assert.IsTrue(Tokenizer.IsSpecialToken(151645));
        Assert.IsFalse(Tokenizer.IsSpecialToken(151667));
        Assert.HasCount(26, Tokenizer.AddedTokens);
    }

    [TestMethod]
    public void AFolderWithoutTokenizerJsonFailsNamingTheFile()
    {
        string folder = NewFolder();

        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3Tokenizer.Load(folder));

        StringAssert.StartsWith(error.Message, Path.Combine(folder, "tokenizer.json") + ": not found");
    }

    [TestMethod]
    [DataRow("{\"model\": {\"vocab\": {\"a\": 0}, ", "not valid JSON (")]
    [DataRow("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}", "model.type is 'WordPiece'")]
    [DataRow("{\"added_tokens\": []}", "missing 'model.vocab' or 'model.merges'")]
    [DataRow("{\"model\": {\"vocab\": {\"a\": 0}, \"merges\": [[\"a\", \"b\"]]}}", "inconsistent BPE model (")]
    public void ACorruptTokenizerJsonFailsWithOneLineNamingTheFile(string json, string expected)
    {
        string folder = NewFolder();
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), json);

        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3Tokenizer.Load(folder));

        StringAssert.StartsWith(error.Message, Path.Combine(folder, "tokenizer.json") + ": " + expected);
        Assert.DoesNotContain("\n", error.Message);
    }

    [TestMethod]
    public void ACorruptTokenizerConfigFailsNamingTheFile()
    {
        string folder = NewFolder();
        DemoTokenizerFiles.Write(folder);
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{\"eos_token\": 5}");

        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => Qwen3Tokenizer.Load(folder));

        Assert.AreEqual(Path.Combine(folder, "tokenizer_config.json") + ": 'eos_token' should be a string or {\"content\": ...}", error.Message);
    }

    [TestMethod]
    public void WithoutTokenizerConfigQwen3sEosAndPadApply()
    {
        string folder = NewFolder();
        DemoTokenizerFiles.Write(folder);
        File.Delete(Path.Combine(folder, "tokenizer_config.json"));

        var tokenizer = Qwen3Tokenizer.Load(folder);

        Assert.AreEqual(tokenizer.TokenToId("<|im_end|>"), tokenizer.EosTokenId);
        Assert.AreEqual(tokenizer.TokenToId("<|endoftext|>"), tokenizer.PadTokenId);
        Assert.IsFalse(tokenizer.HasChatTemplate);
    }

    private static string NewFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "qwen3onnx-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
