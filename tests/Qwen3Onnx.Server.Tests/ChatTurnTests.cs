using System.Text;
using Qwen3Onnx.Runtime.Generation;

namespace Qwen3Onnx.Server.Tests;

[TestClass]
public sealed class ChatTurnTests
{
    private static ServedModel _model = null!;

    [ClassInitialize]
    public static void Open(TestContext context)
    {
        _ = context;
        _model = ServedModel.Open(new ServerOptions { ModelFolder = DemoModel.Folder });
    }

    [ClassCleanup]
    public static void Close() => _model.Dispose();

    [TestMethod]
    public void ThinkBlockBecomesReasoningContent()
    {
        var (content, reasoning, turn) = Run([], Tag("<think>"), Text("I ponder"), Tag("</think>"), Text("The answer."), Tag("<|im_end|>"));

        Assert.AreEqual("I ponder", reasoning);
        Assert.AreEqual("The answer.", content);
        Assert.AreEqual(0, turn.ToolCalls.Count);
    }

    [TestMethod]
    public void ToolCallBlockBecomesAToolCall()
    {
        var (content, _, turn) = Run(
            [], Text("Let me check."), Tag("<tool_call>"), Text("{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}"), Tag("</tool_call>"));

        Assert.AreEqual("Let me check.", content);
        Assert.AreEqual(1, turn.ToolCalls.Count);
        Assert.AreEqual("get_weather", turn.ToolCalls[0].Name);
        Assert.AreEqual("{\"city\": \"Paris\"}", turn.ToolCalls[0].Arguments);
        Assert.StartsWith("call_", turn.ToolCalls[0].Id!);
    }

    [TestMethod]
    public void MalformedToolCallStaysVisible()
    {
        var (content, _, turn) = Run([], Tag("<tool_call>"), Text("{not json"), Tag("</tool_call>"));

        Assert.AreEqual("<tool_call>{not json</tool_call>", content);
        Assert.AreEqual(0, turn.ToolCalls.Count);
    }

    [TestMethod]
    public void StopStringEndsTheContentBeforeIt()
    {
        var (content, _, turn) = Run(["boat"], Text("a small boat sails"));

        Assert.AreEqual("a small ", content);
        Assert.IsTrue(turn.StoppedByString);
    }

    private static int[] Tag(string token) => [_model.Tokenizer.TokenToId(token)!.Value];

    private static int[] Text(string text) => _model.Tokenizer.Encode(text);

    private static (string Content, string Reasoning, ChatTurn Turn) Run(string[] stops, params int[][] pieces)
    {
        var turn = new ChatTurn(_model, stops, chat: true);
        var content = new StringBuilder();
        var reasoning = new StringBuilder();
        foreach (int id in pieces.SelectMany(piece => piece))
        {
            var delta = turn.Accept(new TokenEvent(0, id, false, null));
            content.Append(delta.Content);
            reasoning.Append(delta.Reasoning);
            if (turn.StoppedByString)
            {
                break;
            }
        }

        var last = turn.Finish();
        return (content.Append(last.Content).ToString(), reasoning.Append(last.Reasoning).ToString(), turn);
    }
}
