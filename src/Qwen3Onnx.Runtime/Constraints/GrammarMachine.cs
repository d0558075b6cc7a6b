namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// Runs a grammar over symbols (bytes, and added tokens as <see cref="AddedTokenBase"/> + id) as a set of
/// pushdown stacks: structure nodes are expanded until every stack's top frame is a terminal waiting for input
/// (or the stack is empty: the grammar is complete), alternatives fork into separate stacks, and a symbol keeps
/// the stacks whose terminal accepts it. One machine per row; it owns scratch buffers and is not thread-safe.
/// </summary>
internal sealed class GrammarMachine
{
    public const int AddedTokenBase = 256;
    public const int FrameSize = 3;

    /// <summary>Deeper nesting than this is not offered to the model (an alternative needing it dies).</summary>
    public const int MaxFrames = 256;

    private const int Reject = -1;
    private const int Stay = 0;
    private const int Done = 1;

    private readonly GrammarNode[] _nodes;
    private readonly int _root;
    private readonly int[] _work = new int[MaxFrames * FrameSize];
    private readonly StackSet _pending = new();

    public GrammarMachine(IReadOnlyList<GrammarNode> nodes, int root)
    {
        _nodes = [.. nodes];
        _root = root;
    }

    public GrammarNode Node(int id) => _nodes[id];

    public void Start(StackSet destination)
    {
        destination.Clear();
        _pending.Clear();
        _pending.Push([_root, 0, 0]);
        ExpandAll(destination);
    }

    /// <summary>The stacks of <paramref name="source"/> that accept <paramref name="symbol"/>, advanced and expanded.</summary>
    public void Step(StackSet source, int symbol, StackSet destination)
    {
        destination.Clear();
        _pending.Clear();
        for (int i = 0; i < source.Count; i++)
        {
            var stack = source.Stack(i);
            if (stack.Length == 0)
            {
                continue;
            }

            int top = stack.Length - FrameSize;
            int pc = stack[top + 1];
            int count = stack[top + 2];
            int outcome = Consume(_nodes[stack[top]], ref pc, ref count, symbol);
            if (outcome == Reject)
            {
                continue;
            }

            var node = _nodes[stack[top]];
            stack.CopyTo(_work);
            if (outcome == Done)
            {
                _pending.Push(_work.AsSpan(0, top));
                continue;
            }

            _work[top + 1] = pc;
            _work[top + 2] = count;
            if (!CanEnd(node, pc) && CanStay(node, count))
            {
                // Still inside the terminal and it cannot end here: expanding would only give this stack back.
                destination.Add(_work.AsSpan(0, stack.Length));
            }
            else
            {
                _pending.Push(_work.AsSpan(0, stack.Length));
            }
        }

        ExpandAll(destination);
    }

    /// <summary>
    /// Expands every pending stack until its top is a terminal (a ready stack, added to <paramref name="ready"/>)
    /// or it is empty. Forks go back on the work list.
    /// </summary>
    private void ExpandAll(StackSet ready)
    {
        while (!_pending.IsEmpty)
        {
            int length = _pending.Pop(_work);
            Expand(length, ready);
        }
    }

    private void Expand(int length, StackSet ready)
    {
        while (true)
        {
            if (length == 0)
            {
                ready.Add([]);
                return;
            }

            int top = length - FrameSize;
            var node = _nodes[_work[top]];
            int pc = _work[top + 1];
            int count = _work[top + 2];
            switch (node.Kind)
            {
                case GrammarNodeKind.Reference:
                    _work[top] = node.Children[0];
                    _work[top + 1] = 0;
                    _work[top + 2] = 0;
                    continue;

                case GrammarNodeKind.Sequence:
                    if (pc == node.Children.Length)
                    {
                        length = top;
                        continue;
                    }

                    _work[top + 1] = pc + 1;
                    if (!TryPush(ref length, node.Children[pc]))
                    {
                        return;
                    }

                    continue;

                case GrammarNodeKind.Choice:
                    for (int i = node.Children.Length - 1; i >= 1; i--)
                    {
                        _work[top] = node.Children[i];
                        _pending.Push(_work.AsSpan(0, length));
                    }

                    _work[top] = node.Children[0];
                    continue;

                case GrammarNodeKind.Repeat:
                    if (!ExpandRepeat(node, top, ref length, pc, count))
                    {
                        return;
                    }

                    continue;

                case GrammarNodeKind.Members:
                    if (!ExpandMembers(node, top, ref length, pc, count))
                    {
                        return;
                    }

                    continue;

                default:
                    if (CanStay(node, count))
                    {
                        ready.Add(_work.AsSpan(0, length));
                    }

                    if (!CanEnd(node, pc))
                    {
                        return;
                    }

                    length = top;
                    continue;
            }
        }
    }

    /// <summary>pc 0: no item yet; pc 1: after an item (count items so far). Returns false when nothing continues.</summary>
    private bool ExpandRepeat(GrammarNode node, int top, ref int length, int pc, int count)
    {
        bool canEnd = count >= node.Min;
        bool canMore = count < node.Max;
        if (canEnd && canMore)
        {
            _pending.Push(_work.AsSpan(0, top));
        }

        if (!canMore)
        {
            length = top;
            return true;
        }

        _work[top + 1] = 1;
        _work[top + 2] = count + 1;
        int separator = node.Children[1];
        return TryPush(ref length, node.Children[0]) && (pc == 0 || separator < 0 || TryPush(ref length, separator));
    }

    /// <summary>pc: the next member to consider; count: 1 once a member was written (so the next needs a comma).</summary>
    private bool ExpandMembers(GrammarNode node, int top, ref int length, int pc, int count)
    {
        int last = pc;
        while (last < node.Children.Length && !node.Required[last])
        {
            last++;
        }

        // Members pc … last may come next (all before `last` are optional); when none is required, so may the end.
        bool mayEnd = last == node.Children.Length;
        int lastOption = mayEnd ? node.Children.Length - 1 : last;
        if (mayEnd)
        {
            _pending.Push(_work.AsSpan(0, top));
        }

        for (int member = lastOption; member >= pc; member--)
        {
            _work[top + 1] = member + 1;
            _work[top + 2] = 1;
            int pushed = length;
            if (!TryPush(ref pushed, node.Children[member]) || (count == 1 && !TryPush(ref pushed, node.Separator)))
            {
                continue;
            }

            if (member == pc)
            {
                length = pushed;
                return true;
            }

            _pending.Push(_work.AsSpan(0, pushed));
        }

        return false;
    }

    private bool TryPush(ref int length, int node)
    {
        if (length + FrameSize > _work.Length)
        {
            return false;
        }

        _work[length] = node;
        _work[length + 1] = 0;
        _work[length + 2] = 0;
        length += FrameSize;
        return true;
    }

    /// <summary>Whether a terminal in this state may take more input.</summary>
    private static bool CanStay(GrammarNode node, int count) => node.Kind != GrammarNodeKind.Whitespace || count < node.Max;

    /// <summary>Whether a terminal may end here without more input (numbers once they have digits, whitespace, free text).</summary>
    private static bool CanEnd(GrammarNode node, int pc) => node.Kind switch
    {
        GrammarNodeKind.Whitespace => true,
        GrammarNodeKind.Number => pc is NumberZero or NumberInteger or NumberFraction or NumberExponent,
        GrammarNodeKind.FreeText => node.Terminator < 0,
        _ => false,
    };

    private static int Consume(GrammarNode node, ref int pc, ref int count, int symbol) => node.Kind switch
    {
        GrammarNodeKind.Literal => symbol != node.Symbols[pc] ? Reject : ++pc == node.Symbols.Length ? Done : Stay,
        GrammarNodeKind.String => ConsumeString(node, ref pc, ref count, symbol),
        GrammarNodeKind.Number => ConsumeNumber(node.Min == 1, ref pc, ref count, symbol),
        GrammarNodeKind.Whitespace => symbol is ' ' or '\n' or '\t' && count < node.Max ? Advance(ref count) : Reject,
        GrammarNodeKind.FreeText => symbol == node.Terminator ? Done
            : symbol < AddedTokenBase || System.Array.IndexOf(node.Symbols, symbol) < 0 ? Stay
            : Reject,
        _ => Reject,
    };

    /// <summary>
    /// Whether these bytes can all sit inside a JSON string after plain content, with no quote or backslash: such
    /// a token is allowed wherever an unbounded string's content is (one shared bit set instead of a walk).
    /// </summary>
    public static bool IsPlainStringContent(ReadOnlySpan<byte> bytes)
    {
        var unbounded = new GrammarNode { Kind = GrammarNodeKind.String };
        int pc = StringContent;
        int count = 0;
        foreach (byte value in bytes)
        {
            if (value is (byte)'"' or (byte)'\\' || ConsumeString(unbounded, ref pc, ref count, value) == Reject)
            {
                return false;
            }
        }

        return true;
    }

    private static int Advance(ref int count)
    {
        count++;
        return Stay;
    }

    // String positions: before the opening quote, in content, after a backslash, inside \uXXXX, inside a UTF-8 character.
    private const int StringOpen = 0;
    public const int StringContent = 1;
    private const int StringEscape = 2;
    private const int StringHex = 3;           // 3 … 6: expecting the 1st … 4th hex digit
    private const int StringContinuation = 7;  // 7, 8, 9: expecting 1, 2, 3 more continuation bytes
    private const int StringAfterE0 = 10;      // second byte A0–BF, then one more
    private const int StringAfterED = 11;      // second byte 80–9F (no surrogates), then one more
    private const int StringAfterF0 = 12;      // second byte 90–BF, then two more
    private const int StringAfterF4 = 13;      // second byte 80–8F (≤ U+10FFFF), then two more

    /// <summary>String lengths this machine counts to (both bounds are checked at compile time).</summary>
    public const int MaxStringLength = 0xFFFF;

    /// <summary>
    /// count holds the characters so far (code points, low 16 bits, saturating) and, for a bounded string, how many
    /// of them need two UTF-16 units (above). minLength is checked on code points (JSON Schema's measure) and
    /// maxLength on UTF-16 units (what .NET and JavaScript validators measure), so the string passes either way.
    /// </summary>
    private static int ConsumeString(GrammarNode node, ref int pc, ref int count, int symbol)
    {
        switch (pc)
        {
            case StringOpen:
                return symbol == '"' ? Move(ref pc, StringContent) : Reject;
            case StringContent:
                if (symbol == '"')
                {
                    return (count & MaxStringLength) >= node.Min ? Done : Reject;
                }

                bool supplementary = symbol is >= 0xF0 and < AddedTokenBase;
                bool bounded = node.Max != int.MaxValue;
                if (symbol >= AddedTokenBase || symbol < 0x20 || symbol is >= 0x80 and < 0xC2 or > 0xF4
                    || (bounded && (count & MaxStringLength) + (count >> 16) + (supplementary ? 2 : 1) > node.Max))
                {
                    return Reject;
                }

                count = Math.Min(count & MaxStringLength, MaxStringLength - 1) + 1 + ((count >> 16) + (bounded && supplementary ? 1 : 0) << 16);
                return Move(ref pc, symbol switch
                {
                    '\\' => StringEscape,
                    < 0x80 => StringContent,
                    < 0xE0 => StringContinuation,
                    0xE0 => StringAfterE0,
                    0xED => StringAfterED,
                    < 0xF0 => StringContinuation + 1,
                    0xF0 => StringAfterF0,
                    0xF4 => StringAfterF4,
                    _ => StringContinuation + 2,
                });
            case StringEscape:
                return symbol is '"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't' ? Move(ref pc, StringContent)
                    : symbol == 'u' ? Move(ref pc, StringHex)
                    : Reject;
            case >= StringHex and < StringContinuation:
                return !char.IsAsciiHexDigit((char)symbol) || symbol >= 0x80 ? Reject : Move(ref pc, pc == StringHex + 3 ? StringContent : pc + 1);
            case >= StringContinuation and < StringAfterE0:
                return symbol is >= 0x80 and <= 0xBF ? Move(ref pc, pc == StringContinuation ? StringContent : pc - 1) : Reject;
            case StringAfterE0:
                return symbol is >= 0xA0 and <= 0xBF ? Move(ref pc, StringContinuation) : Reject;
            case StringAfterED:
                return symbol is >= 0x80 and <= 0x9F ? Move(ref pc, StringContinuation) : Reject;
            case StringAfterF0:
                return symbol is >= 0x90 and <= 0xBF ? Move(ref pc, StringContinuation + 1) : Reject;
            case StringAfterF4:
                return symbol is >= 0x80 and <= 0x8F ? Move(ref pc, StringContinuation + 1) : Reject;
            default:
                return Reject;
        }
    }

    // Number positions (JSON's grammar): start, after '-', after a leading 0, in the integer part, after '.',
    // in the fraction, after 'e', after the exponent's sign, in the exponent.
    private const int NumberStart = 0;
    private const int NumberMinus = 1;
    private const int NumberZero = 2;
    private const int NumberInteger = 3;
    private const int NumberDot = 4;
    private const int NumberFraction = 5;
    private const int NumberE = 6;
    private const int NumberExponentSign = 7;
    private const int NumberExponent = 8;

    /// <summary>Digits per part; past a double's precision more digits are a model stalling.</summary>
    public const int MaxDigits = 18;

    /// <summary>count is the number of digits in the current part.</summary>
    private static int ConsumeNumber(bool integer, ref int pc, ref int count, int symbol)
    {
        bool digit = symbol is >= '0' and <= '9';
        switch (pc)
        {
            case NumberStart:
                return symbol == '-' ? Move(ref pc, NumberMinus) : digit ? FirstDigit(ref pc, ref count, symbol) : Reject;
            case NumberMinus:
                return digit ? FirstDigit(ref pc, ref count, symbol) : Reject;
            case NumberZero:
            case NumberInteger:
                if (digit)
                {
                    return pc == NumberInteger && count < MaxDigits ? Digit(ref count) : Reject;
                }

                return integer ? Reject : symbol == '.' ? Part(ref pc, ref count, NumberDot) : symbol is 'e' or 'E' ? Part(ref pc, ref count, NumberE) : Reject;
            case NumberDot:
                return digit ? Part(ref pc, ref count, NumberFraction, digits: 1) : Reject;
            case NumberFraction:
                return digit ? (count < MaxDigits ? Digit(ref count) : Reject) : symbol is 'e' or 'E' ? Part(ref pc, ref count, NumberE) : Reject;
            case NumberE:
                return symbol is '+' or '-' ? Move(ref pc, NumberExponentSign) : digit ? Part(ref pc, ref count, NumberExponent, digits: 1) : Reject;
            case NumberExponentSign:
                return digit ? Part(ref pc, ref count, NumberExponent, digits: 1) : Reject;
            case NumberExponent:
                return digit && count < 4 ? Digit(ref count) : Reject;
            default:
                return Reject;
        }
    }

    private static int FirstDigit(ref int pc, ref int count, int symbol)
    {
        count = 1;
        return Move(ref pc, symbol == '0' ? NumberZero : NumberInteger);
    }

    private static int Digit(ref int count)
    {
        count++;
        return Stay;
    }

    private static int Part(ref int pc, ref int count, int next, int digits = 0)
    {
        count = digits;
        return Move(ref pc, next);
    }

    private static int Move(ref int pc, int next)
    {
        pc = next;
        return Stay;
    }
}
