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

    [TestMethod]
    public void AToolCallBlockBecomesACallDeltaAndLeavesTheAnswer()
    {
        var (deltas, result) = Decode(
            "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>",
            stopStrings: ["Paris"]);

        Assert.AreEqual("Let me check.\n", result.Text);
        Assert.HasCount(2, result.ToolCalls);
        Assert.AreEqual("get_weather", result.ToolCalls[0].Name);
        Assert.AreEqual("{\"city\": \"Paris\"}", result.ToolCalls[0].Arguments, "stop strings apply to the answer, not to call arguments");
        Assert.AreEqual("get_time", result.ToolCalls[1].Name);
        Assert.MatchesRegex("^call_[0-9a-f]{24}$", result.ToolCalls[0].Id!);
        CollectionAssert.AreEqual(result.ToolCalls.ToArray(), deltas.Where(d => d.ToolCall is not null).Select(d => d.ToolCall).ToArray());
        Assert.AreEqual(FinishReason.Stop, result.FinishReason);
    }

    [TestMethod]
    [DataRow("<tool_call>\n{not json\n</tool_call>", "<tool_call>{not json</tool_call>")]
    [DataRow("<tool_call>\n{\"name\": \"f\"", "<tool_call>{\"name\": \"f\"</tool_call>")]
    public void AToolCallThatIsNotACallStaysVisible(string text, string expected)
    {
        var (_, result) = Decode(text, stopStrings: []);

        Assert.AreEqual(expected, result.Text);
        Assert.IsEmpty(result.ToolCalls);
    }

    [TestMethod]
    public void APlainCompletionIsTheRawTextWithItsTags()
    {
        const string text = "\n<think>\nhm\n</think>\n\n<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>";

        var (_, result) = Decode(text, stopStrings: [], turn: false);

        Assert.AreEqual(text, result.Text);
        Assert.AreEqual("", result.Reasoning);
        Assert.IsEmpty(result.ToolCalls);
    }

    [TestMethod]
    public void ACoderCallIsReadWithItsArgumentsTypedByTheToolsSchema()
    {
        const string text = "I'll check.\n<tool_call>\n<function=get_weather>\n<parameter=city>\n12345\n</parameter>\n<parameter=days>\n3\n</parameter>\n" +
            "<parameter=where>\n{\"lat\": 1.5}\n</parameter>\n<parameter=unit>\nc\n</parameter>\n<parameter=note>\nline1\nline2\n</parameter>\n" +
            "<parameter=flag>\n7\n</parameter>\n</function>\n</tool_call>";
        var tools = ChatMessagesJson.ParseTools("""
            [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {
              "city": {"type": "string"}, "days": {"type": "integer"}, "where": {"type": "object"}, "unit": {"type": ["string", "null"]},
              "note": {"type": "string"}}}}}]
            """, "tools");

        var (deltas, result) = Decode(text, stopStrings: [], tools: tools);

        Assert.AreEqual("I'll check.\n", result.Text);
        Assert.HasCount(1, result.ToolCalls);
        Assert.AreEqual("get_weather", result.ToolCalls[0].Name);
        Assert.AreEqual("{\"city\":\"12345\",\"days\":3,\"where\":{\"lat\":1.5},\"unit\":\"c\",\"note\":\"line1\\nline2\",\"flag\":\"7\"}", result.ToolCalls[0].Arguments,
            "typed by the schema; a parameter the schema does not know stays a string");
        Assert.AreEqual(result.ToolCalls[0], deltas.Single(d => d.ToolCall is not null).ToolCall);
    }

    [TestMethod]
    public void ACoderCallWithUnclosedParametersStaysVisible()
    {
        var (_, result) = Decode("<tool_call>\n<function=f>\n<parameter=a>\nx\n</function>\n</tool_call>", stopStrings: []);

        Assert.IsEmpty(result.ToolCalls);
        StringAssert.Contains(result.Text, "<function=f>");
    }

    private static (List<TextDelta> Deltas, GenerationResult Result) Decode(string text, IReadOnlyList<string> stopStrings, bool turn = true, IReadOnlyList<ChatTool>? tools = null)
    {
        var tokenizer = Tokenizer.Value;
        int[] ids = [.. tokenizer.Encode(text), tokenizer.EosTokenId];
        var decoder = new RowDecoder(tokenizer, stopStrings, turn, tools);
        var deltas = new List<TextDelta>();
        for (int i = 0; i < ids.Length && !decoder.Done; i++)
        {
            bool last = i == ids.Length - 1;
            decoder.Accept(new TokenEvent(0, ids[i], IsEndOfSequence: last, last ? FinishReason.Stop : null), deltas);
        }

        return (deltas, decoder.ToResult(new GenerationUsage(0, decoder.TokenCount, TimeSpan.Zero, TimeSpan.Zero)));
    }
}
