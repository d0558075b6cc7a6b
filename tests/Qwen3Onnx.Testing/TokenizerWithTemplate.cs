using System.Text.Json.Nodes;

namespace Qwen3Onnx.Testing;

/// <summary>A copy of the real tokenizer folder whose tokenizer_config.json carries another chat template.</summary>
public static class TokenizerWithTemplate
{
    /// <summary>A fresh temp folder; the caller deletes it.</summary>
    public static string Create(Func<string, string> template)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"qwen3onnx-template-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(RealTokenizer.Folder, "tokenizer.json"), Path.Combine(folder, "tokenizer.json"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RealTokenizer.Folder, "tokenizer_config.json")))!.AsObject();
        config["chat_template"] = template(config["chat_template"]!.GetValue<string>());
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), config.ToJsonString());
        return folder;
    }
}
