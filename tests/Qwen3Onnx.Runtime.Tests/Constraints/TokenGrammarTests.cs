using System.Text.Json;
using Qwen3Onnx.Runtime.Constraints;
using Qwen3Onnx.Runtime.Tokenization;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Constraints;

[TestClass]
public sealed class TokenGrammarTests
{
    private const string Weather = """
        {"type": "object", "properties": {
            "city": {"type": "string", "enum": ["Paris", "Zürich", "New York"]},
            "days": {"type": "integer"},
            "units": {"anyOf": [{"type": "string", "maxLength": 8}, {"type": "null"}]},
            "hourly": {"type": "boolean"},
            "thresholds": {"type": "array", "items": {"type": "number"}, "minItems": 1, "maxItems": 3},
            "note": {"type": "string", "maxLength": 12}
          },
          "required": ["city", "days", "units", "hourly", "thresholds"],
          "additionalProperties": false}
        """;

    private const string Recursive = """
        {"type": "object", "properties": {
            "label": {"type": "string", "maxLength": 6},
            "children": {"type": "array", "items": {"$ref": "#"}, "maxItems": 2}},
         "required": ["label"], "additionalProperties": false}
        """;

    private const string Definitions = """
        {"$defs": {"leaf": {"type": "object", "properties": {"v": {"type": "integer"}}, "required": ["v"]}},
         "definitions": {"pair": {"type": "array", "items": {"$ref": "#/$defs/leaf"}, "minItems": 2, "maxItems": 2}},
         "type": "object", "properties": {"p": {"$ref": "#/definitions/pair"}}, "required": ["p"]}
        """;

    private const string Nullable = """
        {"type": "object", "properties": {"id": {"type": ["integer", "null"]}, "kind": {"const": "point"},
         "xy": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2}},
         "required": ["id", "kind", "xy"], "additionalProperties": false}
        """;

    private static Qwen3Tokenizer Tokenizer => GrammarWalk.Tokenizer;

    [TestMethod]
    [DataRow(Weather)]
    [DataRow(Recursive)]
    [DataRow(Nullable)]
    public void RandomWalksThroughTheMaskEndInJsonTheSchemaValidates(string schema)
    {
        var grammar = TokenGrammar.Json(Tokenizer, GrammarWalk.Parse(schema), thinking: false);
        int finished = 0;
        for (int seed = 0; seed < 12; seed++)
        {
            var (ids, done) = GrammarWalk.Random(grammar, seed);
            if (!done)
            {
                continue;
            }

            finished++;
            string text = Tokenizer.Decode(ids);
            var errors = SchemaValidation.Errors(text, schema);
            Assert.IsEmpty(errors, $"seed {seed}: {string.Join("; ", errors)} in {text}");
        }

        Assert.IsGreaterThanOrEqualTo(10, finished, "most bounded walks should reach the end of the document");
    }

    [TestMethod]
    public void RandomWalksUnderJsonObjectModeGiveObjectsThatParse()
    {
        var grammar = TokenGrammar.Json(Tokenizer, schema: null, thinking: false);
        int finished = 0;
        for (int seed = 0; seed < 12; seed++)
        {
            var (ids, done) = GrammarWalk.Random(grammar, seed, limit: 800);
            if (done)
            {
                finished++;
                string text = Tokenizer.Decode(ids);
                using var document = JsonDocument.Parse(text);
                Assert.AreEqual(JsonValueKind.Object, document.RootElement.ValueKind, text);
            }
        }

        Assert.IsGreaterThanOrEqualTo(6, finished);
    }

    [TestMethod]
    [DataRow("""{"city": "Zürich", "days": 3, "units": null, "hourly": false, "thresholds": [-1.5e3, 0, 22.25]}""")]
    [DataRow("""{"city":"New York","days":-12,"units":"metric","hourly":true,"thresholds":[7],"note":"umbrella \"?\""}""")]
    [DataRow("{\n  \"city\": \"Paris\",\n  \"days\": 0,\n  \"units\": \"si\",\n  \"hourly\": true,\n  \"thresholds\": [\n    1.0\n  ]\n}")]
    public void EveryTokenOfAValidDocumentIsAllowedAndTheEndFollows(string document)
    {
        var grammar = TokenGrammar.Json(Tokenizer, GrammarWalk.Parse(Weather), thinking: false);

        var state = GrammarWalk.Force(grammar, Tokenizer.Encode(document));

        state.ComputeMask();
        Assert.IsTrue(state.Allows(Tokenizer.EosTokenId), "the end of the turn should be allowed after a complete document");
        Assert.IsFalse(state.Allows(Tokenizer.Encode(" ")[0]), "nothing but the end may follow a complete document");
    }

    [TestMethod]
    public void RefsIntoDefsAndDefinitionsResolve()
    {
        var grammar = TokenGrammar.Json(Tokenizer, GrammarWalk.Parse(Definitions), thinking: false);

        var state = GrammarWalk.Force(grammar, Tokenizer.Encode("""{"p": [{"v": 1}, {"v": -2}]}"""));

        state.ComputeMask();
        Assert.IsTrue(state.Allows(Tokenizer.EosTokenId));
    }

    [TestMethod]
    [DataRow("""{"city": "Lyon", "days": 3, "units": null, "hourly": false, "thresholds": [1]}""", "a value outside the enum")]
    [DataRow("""{"city": "Paris", "days": 3.5, "units": null, "hourly": false, "thresholds": [1]}""", "a fraction for an integer")]
    [DataRow("""{"city": "Paris", "days": 3, "units": null, "hourly": false, "thresholds": []}""", "fewer items than minItems")]
    [DataRow("""{"city": "Paris", "days": 3, "hourly": false, "thresholds": [1]}""", "a required member left out")]
    [DataRow("""{"city": "Paris", "days": 3, "units": null, "hourly": false, "thresholds": [1], "extra": 1}""", "a member not in properties")]
    [DataRow("""{"city": "Paris", "days": 3, "units": "kilometres", "hourly": false, "thresholds": [1]}""", "a string past maxLength")]
    [DataRow("""{"city": "Paris", "days": 03, "units": null, "hourly": false, "thresholds": [1]}""", "a leading zero")]
    [DataRow("""{"city": "Paris", "days": 3, "units": "🌧🌧🌧🌧🌧", "hourly": false, "thresholds": [1]}""", "5 characters past 8 UTF-16 units")]
    public void ADocumentTheSchemaRejectsIsCutOffAtItsFirstWrongToken(string document, string why)
    {
        var grammar = TokenGrammar.Json(Tokenizer, GrammarWalk.Parse(Weather), thinking: false);
        var state = grammar.CreateState();
        int[] ids = Tokenizer.Encode(document);
        bool refused = false;
        foreach (int id in ids)
        {
            state.ComputeMask();
            if (!state.Allows(id))
            {
                refused = true;
                break;
            }

            state.Accept(id);
        }

        Assert.IsTrue(refused, $"{why}: every token was allowed");
    }

    [TestMethod]
    [DataRow("{\"a\": \"", "inside an unbounded string")]
    [DataRow("{\"a\": \"caf\u00e9 \\u00e", "inside a \\u escape")]
    [DataRow("{\"a\": [1, {\"b\": tr", "inside a literal in nested free JSON")]
    [DataRow("{\"a\": -0.5e", "inside a number's exponent")]
    [DataRow("{\"a\"", "between a key and its colon")]
    public void TheMaskMatchesStepping151kTokensOneByOne(string prefix, string where)
    {
        var grammar = TokenGrammar.Json(Tokenizer, schema: null, thinking: false);
        int[] ids = Tokenizer.Encode(prefix);
        var state = GrammarWalk.Force(grammar, ids);

        var fast = GrammarWalk.MaskOf(state);
        var slow = GrammarWalk.BruteForceMask(grammar, ids);

        Assert.IsTrue(slow.SetEquals(fast), $"{where}: {fast.Except(slow).Count()} tokens allowed wrongly, {slow.Except(fast).Count()} missed");
        Assert.IsGreaterThan(0, fast.Count);
    }

    [TestMethod]
    public void TheMaskMatchesSteppingTokensOneByOneInsideTheThinkingBlock()
    {
        var grammar = TokenGrammar.Json(Tokenizer, GrammarWalk.Parse(Nullable), thinking: true);
        int[] ids = [Tokenizer.ThinkStartId, .. Tokenizer.Encode("\nThe user wants a point")];
        var state = GrammarWalk.Force(grammar, ids);

        var fast = GrammarWalk.MaskOf(state);

        Assert.IsTrue(GrammarWalk.BruteForceMask(grammar, ids).SetEquals(fast));
        Assert.IsTrue(fast.Contains(Tokenizer.ThinkEndId));
        Assert.IsFalse(fast.Contains(Tokenizer.EosTokenId), "the turn cannot end inside the thinking block");
        Assert.IsFalse(fast.Contains(Tokenizer.ImStartId));
    }

    [TestMethod]
    public void AThinkingBlockMayComeBeforeTheJsonAndIsThenFree()
    {
        var grammar = TokenGrammar.Json(Tokenizer, GrammarWalk.Parse(Nullable), thinking: true);
        int[] ids =
        [
            Tokenizer.ThinkStartId, .. Tokenizer.Encode("\nA point {not json here}.\n"), Tokenizer.ThinkEndId,
            .. Tokenizer.Encode("\n\n{\"id\": null, \"kind\": \"point\", \"xy\": [3, -4]}"),
        ];

        var state = GrammarWalk.Force(grammar, ids);

        state.ComputeMask();
        Assert.IsTrue(state.Allows(Tokenizer.EosTokenId));
    }

    [TestMethod]
    public void ToolCallsAreQwensTaggedJsonNamingAToolWithArgumentsItsSchemaValidates()
    {
        const string weatherTool = """{"type": "function", "function": {"name": "get_weather", "parameters": """ + Weather + "}}";
        const string timeTool = """{"type": "function", "function": {"name": "get_time", "parameters": {"type": "object", "properties": {"zone": {"type": "string", "enum": ["UTC", "CET"]}}, "required": ["zone"]}}}""";
        ChatTool[] tools = [new(GrammarWalk.Parse(weatherTool)), new(GrammarWalk.Parse(timeTool))];
        var grammar = TokenGrammar.ToolCalls(Tokenizer, tools, parallel: true, thinking: false);
        var schemas = new Dictionary<string, string> { ["get_weather"] = Weather, ["get_time"] = tools[1].Definition.GetProperty("function").GetProperty("parameters").GetRawText() };
        int finished = 0;
        for (int seed = 0; seed < 12; seed++)
        {
            var (ids, done) = GrammarWalk.Random(grammar, seed);
            if (!done)
            {
                continue;
            }

            finished++;
            string text = Tokenizer.Decode(ids);
            var calls = text.Split("\n<tool_call>\n");
            Assert.StartsWith("<tool_call>\n", calls[0], text);
            foreach (string call in calls.Select(c => c.Replace("<tool_call>\n", "")))
            {
                Assert.EndsWith("\n</tool_call>", call, text);
                using var json = JsonDocument.Parse(call[..^"\n</tool_call>".Length]);
                string name = json.RootElement.GetProperty("name").GetString()!;
                string arguments = json.RootElement.GetProperty("arguments").GetRawText();
                var errors = SchemaValidation.Errors(arguments, schemas[name]);
                Assert.IsEmpty(errors, $"{string.Join("; ", errors)} in {text}");
            }
        }

        Assert.IsGreaterThanOrEqualTo(10, finished);
    }

    [TestMethod]
    public void AForcedSingleToolCallEndsTheTurnAfterItsClosingTag()
    {
        ChatTool[] tools = [new(GrammarWalk.Parse("""{"type": "function", "function": {"name": "ping", "parameters": {"type": "object", "properties": {}}}}"""))];
        var grammar = TokenGrammar.ToolCalls(Tokenizer, tools, parallel: false, thinking: false);
        int start = Tokenizer.TokenToId("<tool_call>")!.Value;
        int end = Tokenizer.TokenToId("</tool_call>")!.Value;

        var state = GrammarWalk.Force(grammar, [start, .. Tokenizer.Encode("\n{\"name\": \"ping\", \"arguments\": {}}\n"), end]);

        Assert.IsTrue(GrammarWalk.MaskOf(state).SetEquals(Tokenizer.EosTokenIds));
    }

    [TestMethod]
    public void TextWithoutToolCallsMasksOnlyTheToolCallTags()
    {
        var grammar = TokenGrammar.TextWithoutToolCalls(Tokenizer);
        var state = GrammarWalk.Force(grammar, Tokenizer.Encode("Sure, here it is:"));

        var mask = GrammarWalk.MaskOf(state);

        Assert.IsFalse(mask.Contains(Tokenizer.TokenToId("<tool_call>")!.Value));
        Assert.IsTrue(mask.Contains(Tokenizer.EosTokenId));
        Assert.IsTrue(mask.Contains(Tokenizer.ThinkStartId));
        Assert.AreEqual(Tokenizer.VocabularySize - 2, mask.Count);
    }

    [TestMethod]
    [DataRow("""{"type": "string", "pattern": "^a+$"}""", "schema #: 'pattern' is not supported")]
    [DataRow("""{"type": "object", "properties": {"n": {"type": "integer", "minimum": 3}}}""", "schema #/properties/n: 'minimum' is not supported")]
    [DataRow("""{"oneOf": [{"type": "string"}, {"type": "null"}]}""", "schema #: 'oneOf' is not supported")]
    [DataRow("""{"type": "object", "properties": {"a": {"$ref": "#/$defs/missing"}}}""", "schema #/properties/a/$ref: '#/$defs/missing' is not")]
    [DataRow("""{"type": "object", "properties": {"a": {"type": "int"}}}""", "schema #/properties/a/type: unknown type 'int'")]
    [DataRow("""{"type": "object", "properties": {}, "required": ["a"]}""", "schema #/required: 'a' is required but not in properties")]
    [DataRow("""{"type": "array", "maxItems": -1}""", "schema #/maxItems: maxItems is a non-negative integer")]
    public void SchemaKeywordsTheDecoderCannotEnforceAreRefusedWithTheirPath(string schema, string message)
    {
        var refusal = Assert.ThrowsExactly<GrammarNotSupportedException>(() => TokenGrammar.Json(Tokenizer, GrammarWalk.Parse(schema), thinking: false));

        Assert.StartsWith(message, refusal.Message);
        Assert.AreEqual(GrammarPart.ResponseFormat, refusal.Part);
    }

    [TestMethod]
    [DataRow("""{"$ref": "#"}""")]
    [DataRow("""{"anyOf": [{"$ref": "#"}, {"type": "null"}]}""")]
    [DataRow("""{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"anyOf": [{"type": "integer"}, {"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}""")]
    [DataRow("""{"type": "object", "properties": {"a": {"$ref": "#/$defs/loop"}}, "required": ["a"], "$defs": {"loop": {"anyOf": [{"$ref": "#/$defs/loop"}, {"type": "null"}]}}}""")]
    public void ASchemaThatRecursesBeforeAnyValueIsRefusedRatherThanLooping(string schema)
    {
        var refusal = Assert.ThrowsExactly<GrammarNotSupportedException>(() => TokenGrammar.Json(Tokenizer, GrammarWalk.Parse(schema), thinking: false));

        StringAssert.Contains(refusal.Message, "left recursion");
    }

    [TestMethod]
    [DataRow("""{"$ref": "#"}""", """{"type": "object", "properties": {}}""", GrammarPart.ResponseFormat)]
    [DataRow("""{"type": "object", "properties": {}}""", """{"$ref": "#"}""", GrammarPart.Tools)]
    [DataRow("""{"type": "object", "properties": {}}""", """{"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}}""", GrammarPart.Tools)]
    public void AJsonAnswerBesideToolsBlamesThePartThatCannotBeEnforced(string responseSchema, string parameters, GrammarPart part)
    {
        ChatTool[] tools = [ChatTool.Function("f", null, GrammarWalk.Parse(parameters))];

        var refusal = Assert.ThrowsExactly<GrammarNotSupportedException>(() =>
            TokenGrammar.Json(Tokenizer, GrammarWalk.Parse(responseSchema), thinking: false, name: "answer", orToolCalls: tools));

        Assert.AreEqual(part, refusal.Part, refusal.Message);
    }

    [TestMethod]
    public void RecursionBehindAValueIsFine()
    {
        var grammar = TokenGrammar.Json(Tokenizer, GrammarWalk.Parse("""{"anyOf": [{"type": "array", "items": {"$ref": "#"}, "maxItems": 2}, {"type": "null"}]}"""), thinking: false);

        var state = GrammarWalk.Force(grammar, Tokenizer.Encode("[[null, []], null]"));

        state.ComputeMask();
        Assert.IsTrue(state.Allows(Tokenizer.EosTokenId));
    }
}
