using System.Text.Json;

namespace Qwen3Onnx.Runtime.Tests.Tokenization;

/// <summary>
/// Conversations rendered by jinja2 from the real templates, in JSON files beside this one: ChatTemplateCases.json
/// (Qwen3's hybrid template from its tokenizer_config.json, render_chat_cases.py) and CoderChatTemplateCases.json
/// (Qwen3-Coder's, render_coder_cases.py); found by walking up from the test binaries to the checkout.
/// </summary>
internal static class ChatTemplateCases
{
    private const string Folder = "tests/Qwen3Onnx.Runtime.Tests/Tokenization";

    private static readonly Lazy<JsonDocument> Hybrid = new(() => Load("ChatTemplateCases.json"));

    private static readonly Lazy<JsonDocument> CoderDocument = new(() => Load("CoderChatTemplateCases.json"));

    public static IEnumerable<JsonElement> All => Hybrid.Value.RootElement.GetProperty("cases").EnumerateArray();

    public static IEnumerable<JsonElement> Coder => CoderDocument.Value.RootElement.GetProperty("cases").EnumerateArray();

    /// <summary>The Jinja source the Coder cases were rendered from.</summary>
    public static string CoderTemplate => CoderDocument.Value.RootElement.GetProperty("template").GetString()!;

    private static JsonDocument Load(string fileName)
    {
        string relative = Path.Combine(Folder, fileName);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return JsonDocument.Parse(File.ReadAllText(candidate));
            }
        }

        throw new InvalidOperationException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
