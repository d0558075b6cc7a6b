using System.Text;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Text;

/// <summary>
/// Turns one row's generated ids into text deltas, for every caller (the in-process API, the CLI and the server):
/// UTF-8 held back until a character is complete, and, for an assistant turn, thinking (between the
/// <c>&lt;think&gt;</c> and <c>&lt;/think&gt;</c> tokens) apart from the answer, <c>&lt;tool_call&gt;</c> blocks
/// parsed into calls, and stop strings matched across tokens in the answer. Qwen3's tags are single tokens, so the
/// token id decides where text goes. The template puts newlines after the tags; a section starts at its first
/// other character (as HF's Qwen3 example strips them). A plain completion (<c>turn: false</c>) is the raw text.
/// Without a tokenizer it only collects ids.
/// </summary>
public sealed class RowDecoder
{
    private readonly Qwen3Tokenizer? _tokenizer;
    private readonly StreamingDetokenizer? _detokenizer;
    private readonly StopStringMatcher _stops;
    private readonly bool _turn;
    private readonly int _callStart = -1;
    private readonly int _callEnd = -1;
    private readonly List<int> _ids = [];
    private readonly StringBuilder _answer = new();
    private readonly StringBuilder _reasoning = new();
    private readonly StringBuilder _callText = new();
    private readonly List<ChatToolCall> _toolCalls = [];
    private readonly IReadOnlyList<ChatTool> _tools;
    private readonly List<Sampling.TokenLogprobs> _logprobs = [];
    private Region _region = Region.Answer;
    private bool _sectionStart;

    /// <param name="tools">The tools the prompt offered; a Qwen3-Coder call's argument text is typed by their parameter schemas.</param>
    public RowDecoder(Qwen3Tokenizer? tokenizer, IReadOnlyList<string> stopStrings, bool turn = true, IReadOnlyList<ChatTool>? tools = null)
    {
        ArgumentNullException.ThrowIfNull(stopStrings);
        _tools = tools ?? [];
        _tokenizer = tokenizer;
        _detokenizer = tokenizer?.CreateStreamingDetokenizer(skipSpecialTokens: true);
        _stops = new StopStringMatcher(stopStrings);
        _turn = turn;
        _sectionStart = turn;
        if (turn && tokenizer is not null)
        {
            _callStart = tokenizer.ToolCallStartId ?? -1;
            _callEnd = tokenizer.ToolCallEndId ?? -1;
        }
    }

    private enum Region
    {
        Answer,
        Reasoning,
        ToolCall,
    }

    public FinishReason? Finish { get; private set; }

    public bool Done => Finish is not null;

    /// <summary>True when a stop string ended the answer (the caller should stop generating this row).</summary>
    public bool StoppedByString { get; private set; }

    public int TokenCount => _ids.Count;

    public IReadOnlyList<ChatToolCall> ToolCalls => _toolCalls;

    /// <summary>Each generated token's log-probabilities (end-of-sequence tokens left out), when sampling asked for them.</summary>
    public IReadOnlyList<Sampling.TokenLogprobs> Logprobs => _logprobs;

    /// <summary>Takes one token event of this row and appends the text it completes to <paramref name="deltas"/>.</summary>
    public void Accept(TokenEvent token, List<TextDelta> deltas)
    {
        if (Done)
        {
            return;
        }

        _ids.Add(token.TokenId);
        if (!token.IsEndOfSequence)
        {
            if (token.Logprobs is { } logprobs)
            {
                _logprobs.Add(logprobs);
            }

            Decode(token.TokenId, deltas);
        }

        if (token.Finish is { } reason && !Done)
        {
            Close(deltas);
            Finish = reason;
        }
    }

    /// <summary>Releases held-back text and closes an unterminated call; for a row that ends without a finish event.</summary>
    public void Close(List<TextDelta> deltas)
    {
        Emit(_detokenizer?.Flush() ?? "", deltas);
        if (_region == Region.ToolCall)
        {
            CloseCall(deltas);
        }

        if (!StoppedByString)
        {
            AppendAnswer(_stops.Flush(), deltas);
        }
    }

    public GenerationResult ToResult(GenerationUsage usage) =>
        new([.. _ids], _answer.ToString(), _reasoning.ToString(), Finish ?? FinishReason.Length, usage) { ToolCalls = [.. _toolCalls], Logprobs = [.. _logprobs] };

    private void Decode(int id, List<TextDelta> deltas)
    {
        if (_tokenizer is null || _detokenizer is null)
        {
            return;
        }

        if (_turn && RegionAfter(id) is { } next)
        {
            Emit(_detokenizer.Flush(), deltas);
            if (_region == Region.ToolCall)
            {
                CloseCall(deltas);
            }

            _region = next;
            _sectionStart = true;
            return;
        }

        Emit(_detokenizer.Append(id), deltas);
    }

    private Region? RegionAfter(int id) =>
        id == _tokenizer!.ThinkStartId ? Region.Reasoning
        : id == _tokenizer.ThinkEndId || id == _callEnd ? Region.Answer
        : id == _callStart ? Region.ToolCall
        : null;

    private void Emit(string text, List<TextDelta> deltas)
    {
        if (_sectionStart)
        {
            text = text.TrimStart('\n');
            _sectionStart = text.Length == 0;
        }

        if (text.Length == 0 || StoppedByString)
        {
            return;
        }

        switch (_region)
        {
            case Region.Reasoning:
                _reasoning.Append(text);
                deltas.Add(new TextDelta(text, IsReasoning: true));
                return;
            case Region.ToolCall:
                _callText.Append(text);
                return;
            default:
                (string emit, bool stopped) = _stops.Append(text);
                AppendAnswer(emit, deltas);
                if (stopped)
                {
                    StoppedByString = true;
                    Finish = FinishReason.Stop;
                }

                return;
        }
    }

    /// <summary>A call that does not parse stays visible, as the model wrote it.</summary>
    private void CloseCall(List<TextDelta> deltas)
    {
        string json = _callText.ToString().Trim();
        _callText.Clear();
        _region = Region.Answer;
        if (ToolCallText.TryParse(json, ToolCallText.NewCallId(), _tools) is { } call)
        {
            _toolCalls.Add(call);
            deltas.Add(new TextDelta("", IsReasoning: false) { ToolCall = call });
            return;
        }

        Emit($"<tool_call>{json}</tool_call>", deltas);
    }

    private void AppendAnswer(string text, List<TextDelta> deltas)
    {
        if (text.Length > 0)
        {
            _answer.Append(text);
            deltas.Add(new TextDelta(text, IsReasoning: false));
        }
    }
}
