using System.Net;
using System.Text.Json;

namespace Qwen3Onnx.Server.Tests;

/// <summary>Bad requests get the documented 4xx with an OpenAI error object, never a 500.</summary>
[TestClass]
public sealed class BadInputTests
{
    private const string Key = "test-key";
    private static readonly HttpClient Http = new();
    private static Qwen3Server _server = null!;

    [ClassInitialize]
    public static async Task Start(TestContext context)
    {
        _ = context;
        _server = await Qwen3Server.StartAsync(DemoModel.Options() with { ApiKey = Key, MaxRequestBodyBytes = 16 * 1024 });
    }

    [ClassCleanup]
    public static async Task Stop() => await _server.DisposeAsync();

    [TestMethod]
    public async Task InvalidJsonIs400() => await AssertErrorAsync("{\"model\": ", HttpStatusCode.BadRequest, null);

    [TestMethod]
    public async Task UnknownRoleIs400() =>
        await AssertErrorAsync(Chat("[{\"role\": \"wizard\", \"content\": \"hi\"}]", ""), HttpStatusCode.BadRequest, "messages");

    [TestMethod]
    public async Task NegativeMaxTokensIs400() =>
        await AssertErrorAsync(Chat(UserHi, ", \"max_tokens\": -5"), HttpStatusCode.BadRequest, "max_tokens");

    [TestMethod]
    [DataRow("max_tokens")]
    [DataRow("max_completion_tokens")]
    public async Task AMaxTokensPastTheContextIs400NotAQuietCap(string field) =>
        await AssertErrorAsync(Chat(UserHi, $", \"{field}\": 100000000"), HttpStatusCode.BadRequest, field);

    [TestMethod]
    [DataRow(", \"logit_bias\": {\"42\": 5}", "logit_bias")]
    public async Task AnOptionTheServerCannotHonourIs400NotIgnored(string extra, string param) =>
        await AssertErrorAsync(Chat(UserHi, extra), HttpStatusCode.BadRequest, param);

    [TestMethod]
    [DataRow(", \"tool_choice\": \"required\"", "tool_choice", "invalid_value")]
    [DataRow(", \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"f\"}}", "tool_choice", "invalid_value")]
    [DataRow(", \"tool_choice\": \"sometimes\"", "tool_choice", "invalid_value")]
    [DataRow(", \"top_logprobs\": 3", "top_logprobs", "invalid_value")]
    [DataRow(", \"logprobs\": true, \"top_logprobs\": 21", "top_logprobs", "invalid_value")]
    [DataRow(", \"response_format\": {\"type\": \"xml\"}", "response_format", "invalid_value")]
    [DataRow(", \"response_format\": {\"type\": \"json_schema\"}", "response_format", "invalid_value")]
    [DataRow(", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"loop\", \"schema\": {\"$ref\": \"#\"}}}", "response_format", "unsupported_parameter")]
    [DataRow(", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\", \"schema\": {\"type\": \"string\", \"pattern\": \"^a$\"}}}", "response_format", "unsupported_parameter")]
    [DataRow(", \"tool_choice\": \"required\", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": {\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", \"minimum\": 1}}}}}]", "tools", "unsupported_parameter")]
    [DataRow(", \"response_format\": {\"type\": \"json_object\"}, \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": {\"$ref\": \"#\"}}}]", "tools", "unsupported_parameter")]
    [DataRow(", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"deep\", \"schema\": {\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"#/$defs/loop\"}}, \"required\": [\"a\"], \"$defs\": {\"loop\": {\"$ref\": \"#/$defs/loop\"}}}}}", "response_format", "unsupported_parameter")]
    public async Task AnOptionThatCannotBeMetIs400WithItsParamAndCode(string extra, string param, string code)
    {
        using var response = await SendAsync(Chat(UserHi, extra));
        string body = await response.Content.ReadAsStringAsync();

        Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode, body);
        using var error = System.Text.Json.JsonDocument.Parse(body);
        Assert.AreEqual(param, error.RootElement.GetProperty("error").GetProperty("param").GetString(), body);
        Assert.AreEqual(code, error.RootElement.GetProperty("error").GetProperty("code").GetString(), body);
    }

    [TestMethod]
    [DataRow(", \"logprobs\": 2", "logprobs")]
    [DataRow(", \"echo\": true", "echo")]
    [DataRow(", \"best_of\": 3", "best_of")]
    [DataRow(", \"suffix\": \"end\"", "suffix")]
    public async Task ACompletionOptionTheServerCannotHonourIs400(string extra, string param) =>
        await AssertErrorAsync($$"""{"model": "{{_server.ModelName}}", "prompt": "hi", "max_tokens": 2{{extra}}}""", HttpStatusCode.BadRequest, param, "/v1/completions");

    [TestMethod]
    public async Task TheNoOpValuesOfThoseOptionsAreAccepted()
    {
        using var response = await SendAsync(Chat(UserHi, ", \"max_tokens\": 2, \"response_format\": {\"type\": \"text\"}, \"tool_choice\": \"auto\", \"parallel_tool_calls\": true, \"logprobs\": false, \"logit_bias\": {}"));
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [TestMethod]
    public async Task OutOfRangeTemperatureIs400() =>
        await AssertErrorAsync(Chat(UserHi, ", \"temperature\": 7"), HttpStatusCode.BadRequest, "temperature");

    [TestMethod]
    public async Task WrongModelNameIs404() =>
        await AssertErrorAsync($$"""{"model": "gpt-4o", "messages": {{UserHi}}}""", HttpStatusCode.NotFound, "model");

    [TestMethod]
    public async Task OversizedBodyIs413() =>
        await AssertErrorAsync(Chat($$"""[{"role": "user", "content": "{{new string('a', 32 * 1024)}}"}]""", ""), HttpStatusCode.RequestEntityTooLarge, null);

    [TestMethod]
    [DataRow("[1, 2]", null)]
    [DataRow("{\"model\": \"demo-qwen3\", \"messages\": \"hi\"}", "messages")]
    [DataRow("{\"model\": \"demo-qwen3\", \"messages\": [{\"role\": \"user\", \"content\": 5}]}", "messages")]
    [DataRow("{\"model\": \"demo-qwen3\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]}", "messages")]
    [DataRow("{\"model\": \"demo-qwen3\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"n\": 2}", "n")]
    [DataRow("{\"model\": \"demo-qwen3\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stop\": 3}", "stop")]
    [DataRow("{\"model\": \"demo-qwen3\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stream\": \"yes\"}", "stream")]
    [DataRow("{\"model\": \"demo-qwen3\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": {}}", "tools")]
    [DataRow("{\"model\": \"demo-qwen3\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"top_p\": 0}", "top_p")]
    [DataRow("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}", "model")]
    public async Task MalformedFieldIs400(string body, string? param) => await AssertErrorAsync(body, HttpStatusCode.BadRequest, param);

    [TestMethod]
    public async Task InvalidUtf8Is400() =>
        await AssertErrorAsync(
            PostBytes([.. System.Text.Encoding.UTF8.GetBytes($"{{\"model\": \"{_server.ModelName}\", \"messages\": [{{\"role\": \"user\", \"content\": \""), 0xC3, 0x28, .. "\"}]}"u8.ToArray()], "application/json"),
            HttpStatusCode.BadRequest,
            null,
            "UTF-8");

    [TestMethod]
    [DataRow("text/plain")]
    [DataRow("application/x-www-form-urlencoded")]
    [DataRow(null)]
    public async Task ABodyThatIsNotDeclaredJsonIs415(string? contentType) =>
        await AssertErrorAsync(PostBytes(System.Text.Encoding.UTF8.GetBytes(Chat(UserHi, "")), contentType), HttpStatusCode.UnsupportedMediaType, null, "application/json");

    [TestMethod]
    [DataRow("{\"model\": \"M\", \"model\": \"M\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}", "model")]
    [DataRow("{\"model\": \"M\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\", \"content\": \"ho\"}]}", "content")]
    [DataRow("{\"model\": \"M\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"a\", \"text\": \"b\"}]}]}", "text")]
    public async Task ARepeatedKeyIs400NamingIt(string body, string key) =>
        await AssertErrorAsync(PostBytes(System.Text.Encoding.UTF8.GetBytes(body.Replace("\"M\"", $"\"{_server.ModelName}\"", StringComparison.Ordinal)), "application/json"), HttpStatusCode.BadRequest, null, key);

    [TestMethod]
    public async Task AnUnknownPathIs404WithTheErrorObject() =>
        await AssertErrorAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(_server.BaseAddress, "/v1/nothing-here")), HttpStatusCode.NotFound, null, "/v1/nothing-here");

    [TestMethod]
    public async Task AnUnknownModelIdIs404WithTheErrorObject() =>
        await AssertErrorAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(_server.BaseAddress, "/v1/models/gpt-4o")), HttpStatusCode.NotFound, "model", "gpt-4o");

    [TestMethod]
    public async Task TheServedModelIdIsRetrievable()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.BaseAddress, $"/v1/models/{_server.ModelName}"));
        request.Headers.Authorization = new("Bearer", Key);
        using var response = await Http.SendAsync(request);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        using var model = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.AreEqual(_server.ModelName, model.RootElement.GetProperty("id").GetString());
        Assert.AreEqual("model", model.RootElement.GetProperty("object").GetString());
    }

    [TestMethod]
    public async Task AWrongMethodIs405WithTheErrorObject() =>
        await AssertErrorAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(_server.BaseAddress, "/v1/chat/completions")), HttpStatusCode.MethodNotAllowed, null, "GET");

    [TestMethod]
    public async Task MissingKeyIs401()
    {
        using var response = await Http.SendAsync(SseReader.Post(_server.BaseAddress, "/v1/chat/completions", Chat(UserHi, "")));
        Assert.AreEqual(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [TestMethod]
    public async Task ValidRequestWithKeySucceeds()
    {
        using var response = await SendAsync(Chat(UserHi, ", \"max_tokens\": 2, \"enable_thinking\": false"));
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private const string UserHi = "[{\"role\": \"user\", \"content\": \"hi\"}]";

    private static string Chat(string messages, string extra) => $$"""{"model": "{{_server.ModelName}}", "messages": {{messages}}{{extra}}}""";

    private static Task<HttpResponseMessage> SendAsync(string body, string path = "/v1/chat/completions")
    {
        var request = SseReader.Post(_server.BaseAddress, path, body);
        request.Headers.Authorization = new("Bearer", Key);
        return Http.SendAsync(request);
    }

    private static async Task AssertErrorAsync(HttpRequestMessage request, HttpStatusCode status, string? param, string mention)
    {
        request.Headers.Authorization = new("Bearer", Key);
        using var response = await Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(status, response.StatusCode, text);
        using var document = JsonDocument.Parse(text);
        var error = document.RootElement.GetProperty("error");
        StringAssert.Contains(error.GetProperty("message").GetString(), mention);
        Assert.AreEqual(JsonValueKind.String, error.GetProperty("type").ValueKind);
        Assert.AreEqual(param, error.GetProperty("param").GetString());
    }

    private static async Task AssertErrorAsync(string body, HttpStatusCode status, string? param, string path = "/v1/chat/completions")
    {
        using var response = await SendAsync(body, path);
        string text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(status, response.StatusCode, text);
        using var document = JsonDocument.Parse(text);
        var error = document.RootElement.GetProperty("error");
        Assert.IsFalse(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.AreEqual(JsonValueKind.String, error.GetProperty("type").ValueKind);
        Assert.IsTrue(error.TryGetProperty("code", out _));
        Assert.AreEqual(param, error.GetProperty("param").GetString());
    }

    private HttpRequestMessage PostBytes(byte[] body, string? contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.BaseAddress, "/v1/chat/completions")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = contentType is null ? null : new(contentType);
        return request;
    }
}
