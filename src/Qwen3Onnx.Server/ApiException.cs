namespace Qwen3Onnx.Server;

/// <summary>A request the server refuses, answered as an OpenAI error object with this status.</summary>
public sealed class ApiException : Exception
{
    public ApiException(int status, string message, string? param = null, string type = "invalid_request_error", string? code = null)
        : base(message)
    {
        Status = status;
        Param = param;
        Type = type;
        Code = code;
    }

    public int Status { get; }

    public string? Param { get; }

    public string Type { get; }

    public string? Code { get; }

    public static ApiException BadField(string param, string message) => new(400, message, param, code: "invalid_value");

    /// <summary>A model name this server does not serve.</summary>
    public static ApiException UnknownModel(string name, string served) =>
        new(404, $"the model '{name}' does not exist; this server serves '{served}'", "model", code: "model_not_found");

    /// <summary>What the model run threw, as the server's own fault.</summary>
    public static ApiException GenerationFailed(Exception error) =>
        new(500, $"generation failed: {error.Message.ReplaceLineEndings(" ")}", type: "server_error");

    /// <summary>A request that came, or was still running, after the server began to shut down.</summary>
    public static ApiException ShuttingDown() =>
        new(503, "the server is shutting down; retry the request on another instance", type: "server_error", code: "server_shutting_down");

    /// <summary>Any failure as the error the client gets: refusals keep their status, the engine's states map to 429/503, the rest is a 500.</summary>
    public static ApiException From(Exception error) => error switch
    {
        ApiException api => api,
        Runtime.Generation.EngineBusyException => new(429, "the server is busy: batch and queue are full; retry later", type: "rate_limit_error", code: "rate_limit_exceeded"),
        Runtime.Generation.EngineStoppedException => ShuttingDown(),
        _ => GenerationFailed(error),
    };

    public object ToBody() => new { error = new { message = Message, type = Type, param = Param, code = Code } };
}
