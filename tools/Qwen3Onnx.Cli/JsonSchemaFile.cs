using System.Text.Json;
using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Constraints;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Cli;

/// <summary>
/// <c>--json-schema FILE</c> for run and bench: the file's JSON Schema compiled against the model's tokenizer into
/// the grammar the answer is decoded under. Every failure is one line naming the file.
/// </summary>
internal static class JsonSchemaFile
{
    public static TokenGrammar Grammar(string command, string path, Qwen3Tokenizer tokenizer, bool thinking)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new Qwen3OnnxException($"{command}: --json-schema {path}: file not found");
        }

        byte[] bytes = File.ReadAllBytes(full);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new Qwen3OnnxException($"{full}: not UTF-8 text");
        }

        JsonElement schema;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            schema = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new Qwen3OnnxException($"{full}: not JSON (line {ex.LineNumber + 1}: {ex.Message.Split('.')[0]})", ex);
        }

        try
        {
            return TokenGrammar.Json(tokenizer, schema, thinking, Path.GetFileNameWithoutExtension(full));
        }
        catch (NotSupportedException ex)
        {
            throw new Qwen3OnnxException($"{full}: {ex.Message}", ex);
        }
    }
}
