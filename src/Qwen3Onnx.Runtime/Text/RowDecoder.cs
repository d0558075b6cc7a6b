using System.Text;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime.Text;

/// <summary>
/// Turns one row's generated ids into text deltas: UTF-8 held back until a character is complete, thinking
/// (between the <c>&lt;think&gt;</c> and <c>&lt;/think&gt;</c> tokens) reported apart from the answer, and stop
/// strings matched across tokens in the answer. Without a tokenizer it only collects ids.
/// </summary>
internal sealed class RowDecoder
{
    private readonly Qwen3Tokenizer? _tokenizer;
    private readonly StreamingDetokenizer? _detokenizer;
    private readonly StopStringMatcher _stops;
    private readonly List<int> _ids = [];
    private readonly StringBuilder _answer = new();
    private readonly StringBuilder _reasoning = new();
    private bool _thinking;
    private bool _sectionStart = true;

    public RowDecoder(Qwen3Tokenizer? tokenizer, IReadOnlyList<string> stopStrings)
    {
        _tokenizer = tokenizer;
        _detokenizer = tokenizer?.CreateStreamingDetokenizer(skipSpecialTokens: true);
        _stops = new StopStringMatcher(stopStrings);
    }

    public FinishReason? Finish { get; private set; }

    public bool Done => Finish is not null;

    public int TokenCount => _ids.Count;

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
            Decode(token.TokenId, deltas);
        }

        if (token.Finish is { } reason && !Done)
        {
            FlushText(deltas);
            Finish = reason;
        }
    }

    public GenerationResult ToResult(GenerationUsage usage) =>
        new([.. _ids], _answer.ToString(), _reasoning.ToString(), Finish ?? FinishReason.Length, usage);

    private void Decode(int id, List<TextDelta> deltas)
    {
        if (_tokenizer is null || _detokenizer is null)
        {
            return;
        }

        if (id == _tokenizer.ThinkStartId || id == _tokenizer.ThinkEndId)
        {
            Emit(_detokenizer.Flush(), deltas);
            _thinking = id == _tokenizer.ThinkStartId;
            _sectionStart = true;
            return;
        }

        Emit(_detokenizer.Append(id), deltas);
    }

    /// <summary>The template puts newlines after &lt;think&gt; and &lt;/think&gt;; a section starts at its first other character.</summary>
    private void Emit(string text, List<TextDelta> deltas)
    {
        if (_sectionStart)
        {
            text = text.TrimStart('\n');
            _sectionStart = text.Length == 0;
        }

        if (text.Length == 0 || Done)
        {
            return;
        }

        if (_thinking)
        {
            _reasoning.Append(text);
            deltas.Add(new TextDelta(text, IsReasoning: true));
            return;
        }

        (string emit, bool stopped) = _stops.Append(text);
        AppendAnswer(emit, deltas);
        if (stopped)
        {
            Finish = FinishReason.Stop;
        }
    }

    private void FlushText(List<TextDelta> deltas)
    {
        Emit(_detokenizer?.Flush() ?? "", deltas);
        if (!Done)
        {
            AppendAnswer(_stops.Flush(), deltas);
        }
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
