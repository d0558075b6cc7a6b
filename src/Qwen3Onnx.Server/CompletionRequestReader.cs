using System.Text.Json;

namespace Qwen3Onnx.Server;

/// <summary>Turns a <c>/v1/completions</c> body into a prompt: <c>prompt</c> as a string or a list of one string.</summary>
internal static class CompletionRequestReader
{
    public static GenerationSettings Read(JsonElement root, ServedModel model)
    {
        SettingsReader.RequireModel(root, model);
        UnsupportedFields.Refuse(root, chat: false);
        string prompt = RequestFields.Field(root, "prompt") switch
        {
            { ValueKind: JsonValueKind.String } text => text.GetString()!,
            { ValueKind: JsonValueKind.Array } list when list.GetArrayLength() == 1 && list[0].ValueKind == JsonValueKind.String => list[0].GetString()!,
            _ => throw ApiException.BadField("prompt", "'prompt' should be a string (or a list of one string)"),
        };
        return SettingsReader.Read(root, model, model.Tokenizer.Encode(prompt));
    }
}
