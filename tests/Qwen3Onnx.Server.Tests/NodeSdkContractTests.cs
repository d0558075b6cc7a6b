using System.Diagnostics;
using System.Text.Json;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Server.Tests;

/// <summary>
/// The server through the official OpenAI Node SDK (<c>tests/node-sdk/contract.cjs</c>, npm openai 6.49.0 fetched
/// by <c>scripts/fetch-node-openai.sh</c>), on random weights with the real tokenizer: required and forced tool
/// calls (plain and through the SDK's stream assembler), json_object and strict json_schema answers, logprobs,
/// the developer role, models.retrieve and the error shape.
/// </summary>
[TestClass]
public sealed class NodeSdkContractTests
{
    private static JsonElement _out;
    private static JsonElement _schemas;

    [ClassInitialize]
    public static async Task Run(TestContext context)
    {
        _ = context;
        await using var server = await Qwen3Server.StartAsync(RealTokenizerModel.Options());
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { Path.Combine(RepoFixtures.RepoRoot, "tests", "node-sdk", "contract.cjs"), new Uri(server.BaseAddress, "/v1").ToString(), server.ModelName },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["QWEN3ONNX_NODE_OPENAI"] = NodeSdkFolder();
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.AreEqual(0, node.ExitCode, await stderr);
        _out = JsonDocument.Parse(await stdout).RootElement.Clone();
        _schemas = _out.GetProperty("schemas");
    }

    [TestMethod]
    [DataRow("required")]
    [DataRow("forcedStreamed")]
    public void ToolCallsFinishAsToolCallsWithArgumentsTheSchemaValidates(string check)
    {
        var result = _out.GetProperty(check);
        Assert.AreEqual("tool_calls", result.GetProperty("finish").GetString());
        var calls = result.GetProperty("calls").EnumerateArray().ToArray();
        Assert.IsNotEmpty(calls);
        foreach (var call in calls)
        {
            Assert.StartsWith("call_", call.GetProperty("id").GetString()!);
            var function = call.GetProperty("function");
            string name = function.GetProperty("name").GetString()!;
            if (check == "forcedStreamed")
            {
                Assert.AreEqual("get_weather", name);
            }

            if (name == "get_weather")
            {
                AssertValid(function.GetProperty("arguments").GetString()!, _schemas.GetProperty("weather"));
            }
            else
            {
                Assert.AreEqual("get_time", name);
            }
        }
    }

    [TestMethod]
    public void AJsonObjectAnswerParsesAsAnObject()
    {
        var result = _out.GetProperty("jsonObject");
        string content = result.GetProperty("content").GetString()!;
        Assert.AreEqual("stop", result.GetProperty("finish").GetString(), content);
        Assert.AreEqual(JsonValueKind.Object, JsonDocument.Parse(content).RootElement.ValueKind);
    }

    [TestMethod]
    [DataRow("jsonSchema")]
    [DataRow("jsonSchemaStreamed")]
    public void AStrictJsonSchemaAnswerValidates(string check)
    {
        var result = _out.GetProperty(check);
        Assert.AreEqual("stop", result.GetProperty("finish").GetString());
        AssertValid(result.GetProperty("content").GetString()!, _schemas.GetProperty("answer"));
    }

    [TestMethod]
    public void LogprobsComeWithTopLogprobsForEveryToken()
    {
        var result = _out.GetProperty("logprobs");
        var tokens = result.GetProperty("logprobs").GetProperty("content").EnumerateArray().ToArray();
        int generated = result.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
        int endToken = result.GetProperty("finish").GetString() == "stop" ? 1 : 0;
        Assert.HasCount(generated - endToken, tokens);
        foreach (var token in tokens)
        {
            var top = token.GetProperty("top_logprobs").EnumerateArray().ToArray();
            Assert.HasCount(4, top);
            Assert.AreEqual(top[0].GetProperty("token").GetString(), token.GetProperty("token").GetString());
            Assert.IsLessThanOrEqualTo(0.0, token.GetProperty("logprob").GetDouble());
        }
    }

    [TestMethod]
    public void TheDeveloperRoleAndModelsRetrieveWork()
    {
        Assert.IsGreaterThan(0, _out.GetProperty("developer").GetProperty("promptTokens").GetInt32());
        Assert.AreEqual("model", _out.GetProperty("retrieved").GetProperty("object").GetString());
        Assert.IsFalse(string.IsNullOrEmpty(_out.GetProperty("retrieved").GetProperty("id").GetString()));
    }

    [TestMethod]
    public void ARequiredCallWithoutToolsIsAnOpenAIErrorTheSdkReads()
    {
        var error = _out.GetProperty("requiredWithoutTools");
        Assert.AreEqual(400, error.GetProperty("status").GetInt32());
        Assert.AreEqual("tool_choice", error.GetProperty("param").GetString());
        Assert.AreEqual("invalid_request_error", error.GetProperty("type").GetString());
    }

    private static string NodeSdkFolder()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("QWEN3ONNX_NODE_OPENAI_DIR");
        string folder = !string.IsNullOrEmpty(fromEnv)
            ? fromEnv
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "qwen3onnx", "node-openai-6.49.0");
        Assert.IsTrue(File.Exists(Path.Combine(folder, "node_modules", "openai", "package.json")), $"{folder}: run scripts/fetch-node-openai.sh first");
        return folder;
    }

    private static void AssertValid(string json, JsonElement schema)
    {
        var errors = SchemaValidation.Errors(json, schema.GetRawText());
        Assert.IsEmpty(errors, $"{string.Join("; ", errors)} in {json}");
    }
}
