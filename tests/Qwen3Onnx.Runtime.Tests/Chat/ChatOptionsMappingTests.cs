using Microsoft.Extensions.AI;
using Qwen3Onnx.Runtime.Chat;
using Qwen3Onnx.Runtime.Constraints;
using Qwen3Onnx.Runtime.Sampling;

namespace Qwen3Onnx.Runtime.Tests.Chat;

[TestClass]
public sealed class ChatOptionsMappingTests
{
    private static readonly SamplingOptions GreedyDefaults = new() { Greedy = true, TopK = 50, MaskedIdsFrom = 100 };

    [TestMethod]
    public void EveryChatOptionReachesTheSampler()
    {
        var options = new ChatOptions
        {
            Temperature = 0.7f,
            TopP = 0.8f,
            TopK = 20,
            Seed = 42,
            MaxOutputTokens = 33,
            StopSequences = ["###"],
            PresencePenalty = 0.5f,
            FrequencyPenalty = 0.25f,
            AdditionalProperties = new() { ["min_p"] = 0.05, ["repetition_penalty"] = 1.1, ["enable_thinking"] = false },
        };

        var generation = ChatOptionsMapping.ToGenerationOptions(options, GreedyDefaults);

        var expected = new SamplingOptions
        {
            Temperature = 0.7f, TopP = 0.8f, TopK = 20, Seed = 42, MinP = 0.05f, RepetitionPenalty = 1.1f,
            PresencePenalty = 0.5f, FrequencyPenalty = 0.25f, MaskedIdsFrom = 100,
        };
        Assert.AreEqual(expected, generation.Sampling);
        Assert.AreEqual(33, generation.MaxNewTokens);
        CollectionAssert.AreEqual(new[] { "###" }, generation.StopStrings.ToArray());
        Assert.IsFalse(generation.EnableThinking);
    }

    public static IEnumerable<object[]> AnswerShapes =>
    [
        [new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, new AnswerConstraints { Json = true }],
        [new ChatOptions { ToolMode = ChatToolMode.RequireAny }, new AnswerConstraints { ToolChoice = ToolChoice.Required }],
        [new ChatOptions { ToolMode = ChatToolMode.RequireSpecific("get_weather") }, new AnswerConstraints { ToolChoice = ToolChoice.Function, FunctionName = "get_weather" }],
        [new ChatOptions { ToolMode = ChatToolMode.None }, new AnswerConstraints { ToolChoice = ToolChoice.None }],
        [new ChatOptions { AllowMultipleToolCalls = false }, new AnswerConstraints { ParallelToolCalls = false }],
        [new ChatOptions { ToolMode = ChatToolMode.Auto, ResponseFormat = ChatResponseFormat.Text, AllowMultipleToolCalls = true }, new AnswerConstraints()],
    ];

    [TestMethod]
    [DynamicData(nameof(AnswerShapes))]
    public void ToolModeResponseFormatAndMultipleCallsBecomeTheAnswersConstraints(ChatOptions options, AnswerConstraints expected) =>
        Assert.AreEqual(expected, ChatOptionsMapping.ToAnswerConstraints(options));

    [TestMethod]
    public void AJsonSchemaResponseFormatCarriesItsSchemaAndName()
    {
        var schema = System.Text.Json.JsonDocument.Parse("{\"type\": \"object\"}").RootElement;

        var constraints = ChatOptionsMapping.ToAnswerConstraints(new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "thing") });

        Assert.IsTrue(constraints.Json);
        Assert.AreEqual("thing", constraints.JsonSchemaName);
        Assert.AreEqual("{\"type\": \"object\"}", constraints.JsonSchema?.GetRawText());
    }

    [TestMethod]
    public void TheNoOpValuesOfThoseOptionsAreAccepted()
    {
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.Text, ToolMode = ChatToolMode.Auto, AllowMultipleToolCalls = true };

        Assert.AreEqual(GreedyDefaults, ChatOptionsMapping.ToGenerationOptions(options, GreedyDefaults).Sampling);
    }

    [TestMethod]
    public void NoOptionsKeepTheModelDefaults()
    {
        var generation = ChatOptionsMapping.ToGenerationOptions(null, GreedyDefaults);

        Assert.AreEqual(GreedyDefaults, generation.Sampling);
        Assert.IsTrue(generation.EnableThinking);
    }

    [TestMethod]
    public void TemperatureZeroStaysGreedy()
    {
        var generation = ChatOptionsMapping.ToGenerationOptions(new ChatOptions { Temperature = 0 }, GreedyDefaults);

        Assert.IsTrue(generation.Sampling!.IsGreedy);
    }
}
