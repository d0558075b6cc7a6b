using System.Text.Json;

namespace Qwen3Onnx.Runtime.Tests.Tokenization;

/// <summary>
/// ChatTemplateCases.json beside this file: tool and reasoning conversations rendered by jinja2 from the real
/// Qwen3 template (render_chat_cases.py); found by walking up from the test binaries to the checkout.
/// </summary>
internal static class ChatTemplateCases
{
    private const string RelativePath = "tests/Qwen3Onnx.Runtime.Tests/Tokenization/ChatTemplateCases.json";

    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllText(Locate())));

    public static IEnumerable<JsonElement> All => Document.Value.RootElement.GetProperty("cases").EnumerateArray();

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, RelativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{RelativePath} not found above {AppContext.BaseDirectory}");
    }
}
