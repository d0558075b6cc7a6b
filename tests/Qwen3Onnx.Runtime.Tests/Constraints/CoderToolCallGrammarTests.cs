using Qwen3Onnx.Runtime.Constraints;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Text;
using Qwen3Onnx.Runtime.Tokenization;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Constraints;

/// <summary>Forced tool calls under Qwen3-Coder's template: its XML form, read back by the row decoder into arguments the schema validates.</summary>
[TestClass]
public sealed class CoderToolCallGrammarTests
{
    private const string Weather = """
        {"type": "object", "properties": {
            "city": {"type": "string", "description": "any text, markup included"},
            "days": {"type": "integer"},
            "units": {"type": ["string", "null"], "enum": ["metric", "imperial", null]},
            "hourly": {"type": "boolean"},
            "where": {"type": "object", "properties": {"lat": {"type": "number"}}, "required": ["lat"], "additionalProperties": false}},
         "required": ["city", "days", "units"], "additionalProperties": false}
        """;

    private const string Time = """{"type": "object", "properties": {"zone": {"type": "string", "enum": ["UTC", "CET"]}}, "required": ["zone"]}""";

    private static readonly Lazy<Qwen3Tokenizer> Coder = new(() => Qwen3Tokenizer.Load(RealTokenizer.Folder, ChatTemplateChoice.Qwen3Coder));

    private static readonly ChatTool[] Tools =
    [
        ChatTool.Function("get_weather", null, GrammarWalk.Parse(Weather)),
        ChatTool.Function("get_time", null, GrammarWalk.Parse(Time)),
    ];

    [TestMethod]
    public void RandomForcedCallsAreCoderMarkupWhoseArgumentsTheSchemaValidates()
    {
        var tokenizer = Coder.Value;
        var grammar = TokenGrammar.ToolCalls(tokenizer, Tools, parallel: true, thinking: false);
        var schemas = new Dictionary<string, string> { ["get_weather"] = Weather, ["get_time"] = Time };
        int[][] closers = [tokenizer.Encode("</parameter>"), tokenizer.Encode("\n</parameter>")];
        int finished = 0;
        for (int seed = 0; seed < 12; seed++)
        {
            var (ids, done) = GrammarWalk.Random(grammar, seed, limit: 800, phrases: closers);
            if (!done)
            {
                continue;
            }

            finished++;
            string text = tokenizer.Decode(ids);
            var calls = Decode(tokenizer, ids);
            Assert.IsNotEmpty(calls, text);
            Assert.StartsWith("<tool_call>\n<function=", text);
            foreach (var call in calls)
            {
                var errors = SchemaValidation.Errors(call.Arguments, schemas[call.Name]);
                Assert.IsEmpty(errors, $"{string.Join("; ", errors)} in {call.Arguments} from {text}");
            }
        }

        Assert.IsGreaterThanOrEqualTo(10, finished);
    }

    [TestMethod]
    public void TheFormTheTemplateTeachesIsAcceptedAndEndsTheTurn()
    {
        var tokenizer = Coder.Value;
        var grammar = TokenGrammar.ToolCalls(tokenizer, Tools, parallel: false, thinking: false);
        string call = "\n<function=get_weather>\n<parameter=city>\nSão Paulo <b>centre</b>\n</parameter>\n<parameter=days>\n3\n</parameter>\n" +
            "<parameter=units>\nmetric\n</parameter>\n<parameter=where>\n{\"lat\": -23.5}\n</parameter>\n</function>\n";
        int[] ids = [tokenizer.ToolCallStartId!.Value, .. tokenizer.Encode(call), tokenizer.ToolCallEndId!.Value];

        var state = GrammarWalk.Force(grammar, ids);

        Assert.IsTrue(GrammarWalk.MaskOf(state).SetEquals(tokenizer.EosTokenIds));
        var parsed = Decode(tokenizer, ids).Single();
        Assert.AreEqual("""{"city":"São Paulo <b>centre</b>","days":3,"units":"metric","where":{"lat":-23.5}}""", parsed.Arguments);
    }

    [TestMethod]
    [DataRow("\n<function=get_weather>\n<parameter=city>\nNice <i>", "raw text, no part of the closing tag matched")]
    [DataRow("\n<function=get_weather>\n<parameter=city>\nNice </para", "raw text, part of the closing tag matched")]
    [DataRow("\n<function=get_weather>\n<parameter=city>\nx\n</parameter>\n", "between parameters")]
    public void TheMaskMatchesSteppingEveryTokenOneByOne(string prefix, string where)
    {
        var tokenizer = Coder.Value;
        var grammar = TokenGrammar.ToolCalls(tokenizer, Tools, parallel: false, thinking: false);
        int[] ids = [tokenizer.ToolCallStartId!.Value, .. tokenizer.Encode(prefix)];
        var state = GrammarWalk.Force(grammar, ids);

        var fast = GrammarWalk.MaskOf(state);
        var slow = GrammarWalk.BruteForceMask(grammar, ids);

        Assert.IsTrue(slow.SetEquals(fast), $"{where}: {fast.Except(slow).Count()} tokens allowed wrongly, {slow.Except(fast).Count()} missed");
        Assert.IsFalse(fast.Contains(tokenizer.ToolCallEndId!.Value), "a call cannot close inside its parameters");
        var vocabulary = TokenVocabulary.For(tokenizer);
        int invalid = fast.Count(id => !Utf8Text.StartsValid(vocabulary.Bytes(id)));
        Assert.AreEqual(0, invalid, $"{where}: tokens that are not valid UTF-8 after a character boundary are allowed");
    }

    [TestMethod]
    public void InsideACharacterOnlyItsContinuationMayFollowSoRawTextStaysValidUtf8()
    {
        var tokenizer = Coder.Value;
        var vocabulary = TokenVocabulary.For(tokenizer);
        int OneByte(byte value) => Enumerable.Range(0, vocabulary.Size).First(id => vocabulary.Bytes(id).SequenceEqual(new[] { value }));
        var grammar = TokenGrammar.ToolCalls(tokenizer, Tools, parallel: false, thinking: false);
        int[] boundary = [tokenizer.ToolCallStartId!.Value, .. tokenizer.Encode("\n<function=get_weather>\n<parameter=city>\nS")];
        int[] inside = [.. boundary, OneByte(0xC3)];   // the lead byte of "ã"

        var atBoundary = GrammarWalk.MaskOf(GrammarWalk.Force(grammar, boundary));
        var state = GrammarWalk.Force(grammar, inside);
        var fast = GrammarWalk.MaskOf(state);
        var slow = GrammarWalk.BruteForceMask(grammar, inside);

        Assert.IsFalse(atBoundary.Contains(OneByte(0xA3)), "a stray continuation byte between characters");
        Assert.IsTrue(slow.SetEquals(fast), $"{fast.Except(slow).Count()} tokens allowed wrongly, {slow.Except(fast).Count()} missed");
        Assert.IsTrue(fast.Contains(OneByte(0xA3)), "the continuation that completes the character");
        Assert.IsFalse(fast.Contains(OneByte((byte)'a')), "a new character before this one is complete");
        Assert.IsTrue(fast.All(id => vocabulary.Bytes(id)[0] is >= 0x80 and <= 0xBF), "every allowed token continues the character");
    }

    [TestMethod]
    [DataRow("""{"type": "object", "properties": {"q": {"type": "string", "maxLength": 8}}}""", "'maxLength' is not supported by constrained decoding on a Qwen3-Coder string parameter")]
    [DataRow("""{"type": "object", "properties": {"a>b": {"type": "integer"}}}""", "the parameter name 'a>b' cannot be written")]
    [DataRow("""{"type": "object", "properties": {"q": {"type": "string", "enum": [1, 2]}}}""", "a string parameter's enum holds only strings")]
    [DataRow("""{"type": "object", "patternProperties": {"^x": {}}}""", "'patternProperties' is not supported")]
    public void WhatCoderMarkupCannotEnforceIsRefused(string parameters, string message)
    {
        ChatTool[] tools = [ChatTool.Function("f", null, GrammarWalk.Parse(parameters))];

        var refusal = Assert.ThrowsExactly<GrammarNotSupportedException>(() => TokenGrammar.ToolCalls(Coder.Value, tools, parallel: false, thinking: false));

        StringAssert.Contains(refusal.Message, message);
        Assert.AreEqual(GrammarPart.Tools, refusal.Part);
    }

    [TestMethod]
    public void AForcedCallUnderTheCoderTemplateIsConstrainedInsteadOfRefused()
    {
        var constraints = new AnswerConstraints { ToolChoice = ToolChoice.Required };

        var grammar = constraints.ToGrammar(Coder.Value, Tools, thinking: false);

        Assert.IsNotNull(grammar);
        var state = GrammarWalk.Force(grammar, [Coder.Value.ToolCallStartId!.Value, .. Coder.Value.Encode("\n<function=get_time>\n")]);
        Assert.IsNotEmpty(GrammarWalk.MaskOf(state));
    }

    private static IReadOnlyList<ChatToolCall> Decode(Qwen3Tokenizer tokenizer, IReadOnlyList<int> ids)
    {
        var decoder = new RowDecoder(tokenizer, [], tools: Tools);
        var deltas = new List<TextDelta>();
        foreach (int id in ids)
        {
            decoder.Accept(new TokenEvent(0, id, IsEndOfSequence: false, null), deltas);
        }

        decoder.Accept(new TokenEvent(0, tokenizer.EosTokenId, IsEndOfSequence: true, FinishReason.Stop), deltas);
        return decoder.ToolCalls;
    }
}
