using System.Text;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Server;

/// <summary>
/// Turns one row's tokens into an assistant message as they arrive. Qwen3's tags are single tokens, so the
/// token id decides where text goes: after <c>&lt;think&gt;</c> to reasoning, inside <c>&lt;tool_call&gt;</c> to a
/// call buffer, otherwise to content (through the stop strings). Special tokens never reach the text.
/// </summary>
public sealed class ChatTurn
{
    private readonly ServedModel _model;
    private readonly bool _chat;
    private readonly StreamingDetokenizer _detokenizer;
    private readonly StopStringMatcher _stops;
    private readonly StringBuilder _callText = new();
    private readonly List<ChatToolCall> _toolCalls = [];
    private Region _region = Region.Content;

    public ChatTurn(ServedModel model, IReadOnlyList<string> stops, bool chat)
    {
        _model = model;
        _chat = chat;
        _detokenizer = model.Tokenizer.CreateStreamingDetokenizer(skipSpecialTokens: true);
        _stops = new StopStringMatcher(stops);
    }

    private enum Region
    {
        Content,
        Reasoning,
        ToolCall,
    }

    public int CompletionTokens { get; private set; }

    /// <summary>True once a stop string completed: the row should be cancelled and the turn finished.</summary>
    public bool StoppedByString { get; private set; }

    public IReadOnlyList<ChatToolCall> ToolCalls => _toolCalls;

    public TextDelta Accept(TokenEvent token)
    {
        if (token.TokenId < 0)
        {
            return TextDelta.Empty;
        }

        CompletionTokens++;
        if (_chat && SwitchRegion(token.TokenId) is { } flushed)
        {
            return flushed;
        }

        return Route(_detokenizer.Append(token.TokenId));
    }

    /// <summary>Releases held-back text and closes an unterminated call.</summary>
    public TextDelta Finish()
    {
        var rest = Route(_detokenizer.Flush());
        string invalidCall = _region == Region.ToolCall ? CloseCall() : "";
        return new TextDelta(rest.Content + invalidCall + (StoppedByString ? "" : _stops.Flush()), rest.Reasoning);
    }

    private TextDelta? SwitchRegion(int id)
    {
        Region? next = id == _model.Tokenizer.ThinkStartId ? Region.Reasoning
            : id == _model.Tokenizer.ThinkEndId ? Region.Content
            : id == _model.ToolCallStartId ? Region.ToolCall
            : id == _model.ToolCallEndId ? Region.Content
            : null;
        if (next is not { } region)
        {
            return null;
        }

        var flushed = Route(_detokenizer.Flush());
        string invalidCall = _region == Region.ToolCall ? CloseCall() : "";
        _region = region;
        return invalidCall.Length == 0 ? flushed : flushed with { Content = flushed.Content + Route(invalidCall).Content };
    }

    private TextDelta Route(string text)
    {
        switch (_region)
        {
            case Region.Reasoning:
                return new TextDelta("", text);
            case Region.ToolCall:
                _callText.Append(text);
                return new TextDelta("", "");
            default:
                if (StoppedByString)
                {
                    return new TextDelta("", "");
                }

                (string emit, bool stopped) = _stops.Append(text);
                StoppedByString = stopped;
                return new TextDelta(emit, "");
        }
    }

    /// <summary>A call that is not valid JSON stays visible, as the model wrote it.</summary>
    private string CloseCall()
    {
        string json = _callText.ToString().Trim();
        _callText.Clear();
        var call = ToolCallText.TryParse(json, $"call_{Guid.NewGuid():N}"[..29]);
        if (call is null)
        {
            return $"<tool_call>{json}</tool_call>";
        }

        _toolCalls.Add(call);
        return "";
    }
}
