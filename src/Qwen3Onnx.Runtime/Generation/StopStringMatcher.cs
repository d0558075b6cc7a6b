namespace Qwen3Onnx.Runtime.Generation;

/// <summary>
/// Finds stop strings in streamed text even when they span tokens: text that could still become the
/// start of a stop string is held back until it either completes one (generation stops and the stop
/// string is dropped) or can no longer match (it is released).
/// </summary>
public sealed class StopStringMatcher
{
    private readonly string[] _stops;
    private string _pending = "";

    public StopStringMatcher(IEnumerable<string>? stopStrings)
    {
        _stops = (stopStrings ?? []).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
    }

    public bool IsEmpty => _stops.Length == 0;

    /// <summary>Adds text; returns what is safe to emit and whether a stop string completed.</summary>
    public (string Emit, bool Stopped) Append(string delta)
    {
        if (_stops.Length == 0)
        {
            return (delta, false);
        }

        string text = _pending + delta;
        int earliest = -1;
        foreach (string stop in _stops)
        {
            int index = text.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && (earliest < 0 || index < earliest))
            {
                earliest = index;
            }
        }

        if (earliest >= 0)
        {
            _pending = "";
            return (text[..earliest], true);
        }

        int held = LongestSuffixThatStartsAStop(text);
        _pending = text[^held..];
        return (text[..^held], false);
    }

    /// <summary>Releases held-back text at the end of generation.</summary>
    public string Flush()
    {
        string rest = _pending;
        _pending = "";
        return rest;
    }

    private int LongestSuffixThatStartsAStop(string text)
    {
        int best = 0;
        foreach (string stop in _stops)
        {
            for (int length = Math.Min(stop.Length - 1, text.Length); length > best; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    best = length;
                    break;
                }
            }
        }

        return best;
    }
}
