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

    public object ToBody() => new { error = new { message = Message, type = Type, param = Param, code = Code } };
}
