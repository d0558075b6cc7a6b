using System.CommandLine;
using System.Text.Json;
using Qwen3Onnx.Cli;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Cli.Tests;

[TestClass]
public sealed class TokenizeCommandTests
{
    private static readonly Lazy<JsonDocument> Goldens = new(() => JsonDocument.Parse(File.ReadAllText(SharedFixtures.TokenizerGoldens)));

    [TestMethod]
    public void PrintsTheGoldenIdsOfAText()
    {
        var golden = Goldens.Value.RootElement.GetProperty("encodings")[0];

        var (exitCode, output, _) = Invoke("--model", RealTokenizer.Folder, "--text", golden.GetProperty("text").GetString()!);

        Assert.AreEqual(0, exitCode);
        Assert.AreEqual(string.Join(' ', golden.GetProperty("ids").EnumerateArray()) + Environment.NewLine, output);
    }

    [TestMethod]
    public void EncodesAFileAsJson()
    {
        var golden = Goldens.Value.RootElement.GetProperty("encodings")[6];
        string file = TempFile(golden.GetProperty("text").GetString()!);

        var (exitCode, output, _) = Invoke("--model", RealTokenizer.Folder, "--file", file, "--json");

        Assert.AreEqual(0, exitCode);
        using var json = JsonDocument.Parse(output);
        CollectionAssert.AreEqual(Ids(golden.GetProperty("ids")), Ids(json.RootElement.GetProperty("ids")));
    }

    [TestMethod]
    public void RendersAChatWithoutThinkingAsTheGoldenTextAndIds()
    {
        var golden = Goldens.Value.RootElement.GetProperty("chat_templates").EnumerateArray()
            .First(entry => !entry.GetProperty("enable_thinking").GetBoolean() && entry.GetProperty("messages").GetArrayLength() > 1);
        string messages = TempFile(golden.GetProperty("messages").GetRawText());

        var (exitCode, output, _) = Invoke("--model", RealTokenizer.Folder, "--chat", messages, "--no-think", "--json");

        Assert.AreEqual(0, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.AreEqual(golden.GetProperty("text").GetString(), json.RootElement.GetProperty("text").GetString());
        CollectionAssert.AreEqual(Ids(golden.GetProperty("ids")), Ids(json.RootElement.GetProperty("ids")));
    }

    [TestMethod]
    public void PlainChatOutputIsTheTextThenTheIds()
    {
        var golden = Goldens.Value.RootElement.GetProperty("chat_templates")[0];
        string messages = TempFile(golden.GetProperty("messages").GetRawText());

        var (exitCode, output, _) = Invoke("--model", RealTokenizer.Folder, "--chat", messages);

        Assert.AreEqual(0, exitCode);
        Assert.AreEqual(golden.GetProperty("text").GetString() + string.Join(' ', golden.GetProperty("ids").EnumerateArray()) + Environment.NewLine, output);
    }

    [TestMethod]
    public void AMalformedMessagesFileIsOneErrorLineAndExitCode1()
    {
        string messages = TempFile("[{\"role\": \"bot\", \"content\": \"hi\"}]");

        var (exitCode, output, error) = Invoke("--model", RealTokenizer.Folder, "--chat", messages);

        Assert.AreEqual(1, exitCode);
        Assert.AreEqual("", output);
        Assert.AreEqual($"error: {messages}: messages[0] has unknown role 'bot' (expected system, developer, user, assistant or tool){Environment.NewLine}", error);
    }

    [TestMethod]
    public void AnotherChatTemplateIsRefusedUntilOneThisRuntimeRendersIsChosen()
    {
        string folder = TokenizerWithTemplate.Create(_ => "{% for m in messages %}{{ m.content }}{% endfor %}");
        string messages = TempFile("[{\"role\": \"user\", \"content\": \"hi\"}]");
        try
        {
            var (refusedCode, refusedOutput, error) = Invoke("--model", folder, "--chat", messages);
            var (exitCode, output, _) = Invoke("--model", folder, "--chat", messages, "--chat-template", "qwen3");
            var (coderCode, coderOutput, _) = Invoke("--model", folder, "--chat", messages, "--chat-template", "qwen3-coder");
            var (unknownCode, _, unknownError) = Invoke("--model", folder, "--chat", messages, "--chat-template", "llama3");

            Assert.AreEqual(1, refusedCode);
            Assert.AreEqual("", refusedOutput);
            Assert.StartsWith($"error: {Path.Combine(folder, "tokenizer_config.json")}: its chat_template is neither Qwen3's", error);
            Assert.AreEqual(1, error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.AreEqual(0, exitCode);
            Assert.StartsWith("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", output);
            Assert.AreEqual(0, coderCode);
            Assert.StartsWith("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", coderOutput);
            Assert.AreEqual(1, unknownCode);
            StringAssert.Contains(unknownError, "--chat-template must be checkpoint, qwen3 or qwen3-coder (got 'llama3')");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void AFolderWithoutATokenizerIsAnError()
    {
        string folder = Path.Combine(Path.GetTempPath(), "qwen3onnx-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);

        var (exitCode, _, error) = Invoke("--model", folder, "--text", "hi");

        Assert.AreEqual(1, exitCode);
        StringAssert.StartsWith(error, $"error: {Path.Combine(folder, "tokenizer.json")}: not found");
    }

    [TestMethod]
    public void TwoInputsAreAnError()
    {
        var (exitCode, _, error) = Invoke("--model", RealTokenizer.Folder, "--text", "a", "--file", "b.txt");

        Assert.AreEqual(1, exitCode);
        Assert.AreEqual($"error: tokenize: give exactly one of --text, --file or --chat{Environment.NewLine}", error);
    }

    private static (int ExitCode, string Output, string Error) Invoke(params string[] arguments)
    {
        var root = new RootCommand { TokenizeCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = root.Parse(["tokenize", .. arguments]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private static int[] Ids(JsonElement array) => [.. array.EnumerateArray().Select(id => id.GetInt32())];

    private static string TempFile(string content)
    {
        string path = Path.Combine(Path.GetTempPath(), "qwen3onnx-cli-tests", Guid.NewGuid().ToString("N") + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }
}
