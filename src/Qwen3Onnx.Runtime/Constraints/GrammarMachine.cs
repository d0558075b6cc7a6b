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

    private const int MaxExpansions = 1 << 20;
    private const int Reject = JsonTerminals.Reject;
    private const int Stay = JsonTerminals.Stay;
    private const int Done = JsonTerminals.Done;

    private readonly GrammarNode[] _nodes;
    private readonly int _root;
    private readonly int[] _work = new int[MaxFrames * FrameSize];
    private readonly StackSet _pending = new();
    private int _expansions;

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
        _expansions = 0;
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
            // GrammarCheck refuses grammars that loop without input; this bounds what it cannot foresee (a blow-up of alternatives).
            if (++_expansions > MaxExpansions)
            {
                throw new InvalidOperationException($"the grammar needed over {MaxExpansions} expansions for one symbol");
            }

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
        GrammarNodeKind.Number => JsonTerminals.NumberCanEnd(pc),
        GrammarNodeKind.FreeText => node.Terminator < 0,
        _ => false,
    };

    private static int Consume(GrammarNode node, ref int pc, ref int count, int symbol) => node.Kind switch
    {
        GrammarNodeKind.Literal => symbol != node.Symbols[pc] ? Reject : ++pc == node.Symbols.Length ? Done : Stay,
        GrammarNodeKind.String => JsonTerminals.ConsumeString(node, ref pc, ref count, symbol),
        GrammarNodeKind.Number => JsonTerminals.ConsumeNumber(node.Min == 1, ref pc, ref count, symbol),
        GrammarNodeKind.Whitespace => symbol is ' ' or '\n' or '\t' && count < node.Max ? JsonTerminals.Advance(ref count) : Reject,
        GrammarNodeKind.FreeText => symbol == node.Terminator ? Done
            : symbol < AddedTokenBase || System.Array.IndexOf(node.Symbols, symbol) < 0 ? Stay
            : Reject,
        // pc: how much of the terminator is matched; count: the UTF-8 state (the terminator is ASCII, so it ends on a boundary).
        GrammarNodeKind.TextUntil => symbol >= AddedTokenBase || !Utf8Text.Consume(ref count, symbol) ? Reject
            : (pc = node.Transitions[(pc * 256) + symbol]) == node.Symbols.Length ? Done
            : Stay,
        _ => Reject,
    };
}
