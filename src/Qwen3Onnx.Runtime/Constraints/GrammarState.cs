using System.Numerics;

namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// One row's position in a <see cref="TokenGrammar"/>: which tokens may come next (a bit per vocabulary id) and
/// the advance over the token that was picked. The mask is the union over the live stacks of: the plain-string
/// bit set plus a trie walk into only the subtrees holding quote/backslash tokens when the stack is inside an unbounded string, every
/// regular token inside free text, and otherwise a trie walk that stops at the first byte the grammar refuses.
/// Added tokens are tried one by one; end-of-sequence ids only once the grammar is complete.
/// </summary>
internal sealed class GrammarState
{
    private readonly TokenGrammar _grammar;
    private readonly TokenVocabulary _vocabulary;
    private readonly GrammarMachine _machine;
    private readonly ulong[] _mask;
    private readonly StackSet[] _depth;
    private StackSet _current = new();
    private StackSet _next = new();
    private bool _maskCurrent;

    public GrammarState(TokenGrammar grammar)
    {
        _grammar = grammar;
        _vocabulary = grammar.Vocabulary;
        _machine = new GrammarMachine(grammar.Nodes, grammar.Root);
        _mask = new ulong[_vocabulary.MaskWords];
        _depth = new StackSet[_vocabulary.MaxTokenBytes + 2];
        for (int i = 0; i < _depth.Length; i++)
        {
            _depth[i] = new StackSet();
        }

        Reset();
    }

    /// <summary>True once an end-of-sequence id was accepted.</summary>
    public bool IsFinished { get; private set; }

    public void Reset()
    {
        _machine.Start(_current);
        IsFinished = false;
        _maskCurrent = false;
    }

    /// <summary>Sets every logit the grammar does not allow next to −∞ (ids past the tokenizer's vocabulary included).</summary>
    public void Apply(Span<float> logits)
    {
        ComputeMask();
        int size = Math.Min(logits.Length, _vocabulary.Size);
        for (int word = 0; word * 64 < size; word++)
        {
            ulong bits = _mask[word];
            if (bits == ulong.MaxValue)
            {
                continue;
            }

            int start = word * 64;
            int end = Math.Min(start + 64, size);
            if (bits == 0)
            {
                logits[start..end].Fill(float.NegativeInfinity);
                continue;
            }

            // Only the refused ids are visited: one per clear bit.
            for (ulong refused = ~bits; refused != 0; refused &= refused - 1)
            {
                int id = start + BitOperations.TrailingZeroCount(refused);
                if (id >= end)
                {
                    break;
                }

                logits[id] = float.NegativeInfinity;
            }
        }

        logits[size..].Fill(float.NegativeInfinity);
    }

    /// <summary>The allowed-token bit set for the next token (computed once per position).</summary>
    public ReadOnlySpan<ulong> ComputeMask()
    {
        if (_maskCurrent)
        {
            return _mask;
        }

        Array.Clear(_mask);
        bool any = false;
        for (int i = 0; i < _current.Count; i++)
        {
            var stack = _current.Stack(i);
            if (stack.Length == 0)
            {
                foreach (int id in _grammar.EndIds)
                {
                    Allow(id);
                }

                any = true;
                continue;
            }

            var start = _depth[0];
            start.Clear();
            start.Push(stack);
            AllowRegular(start, stack);
            AllowAdded(start);
            any = true;
        }

        if (!any || !_mask.AsSpan().ContainsAnyExcept(0UL))
        {
            throw new InvalidOperationException($"{_grammar.Description}: no token continues the output here (a grammar with no way forward)");
        }

        _maskCurrent = true;
        return _mask;
    }

    /// <summary>Whether the last computed mask allows <paramref name="id"/>.</summary>
    public bool Allows(int id) => (uint)id < (uint)_vocabulary.Size && (_mask[id >> 6] & (1UL << (id & 63))) != 0;

    /// <summary>Advances over <paramref name="id"/>; a token the grammar does not allow is a bug in the caller.</summary>
    public void Accept(int id)
    {
        _maskCurrent = false;
        if (_grammar.EndIds.Contains(id) && _current.HasComplete)
        {
            IsFinished = true;
            return;
        }

        if (Array.BinarySearch(_vocabulary.AddedIds, id) >= 0)
        {
            Advance(GrammarMachine.AddedTokenBase + id);
        }
        else
        {
            foreach (byte value in _vocabulary.Bytes(id))
            {
                Advance(value);
            }
        }

        if (_current.IsEmpty)
        {
            throw new InvalidOperationException($"{_grammar.Description}: token {id} does not continue the output (the sampler let through a masked token)");
        }
    }

    private void Advance(int symbol)
    {
        _machine.Step(_current, symbol, _next);
        (_current, _next) = (_next, _current);
    }

    private void AllowRegular(StackSet start, ReadOnlySpan<int> stack)
    {
        var top = _machine.Node(stack[^GrammarMachine.FrameSize]);
        int pc = stack[^(GrammarMachine.FrameSize - 1)];
        int count = stack[^(GrammarMachine.FrameSize - 2)];
        if (top.Kind == GrammarNodeKind.FreeText)
        {
            Or(_vocabulary.Regular);
        }
        else if (top.Kind == GrammarNodeKind.TextUntil && pc == 0 && count == 0)
        {
            // Nothing of the terminator matched yet, between characters: a token without its first byte cannot start
            // or finish it, so it only has to be valid UTF-8.
            var (without, subtrees) = _vocabulary.RawText((byte)top.Symbols[0]);
            Or(without);
            Walk(0, 0, subtrees);
        }
        else if (top.Kind == GrammarNodeKind.String && pc == JsonTerminals.StringContent && top.Max == int.MaxValue)
        {
            Or(_vocabulary.PlainString);
            Walk(0, 0, _vocabulary.BreakerSubtrees);
        }
        else
        {
            Walk(0, 0, only: null);
        }
    }

    private void AllowAdded(StackSet start)
    {
        foreach (int id in _vocabulary.AddedIds)
        {
            _machine.Step(start, GrammarMachine.AddedTokenBase + id, _depth[1]);
            if (!_depth[1].IsEmpty)
            {
                Allow(id);
            }
        }
    }

    /// <summary>
    /// Depth-first over the trie from <paramref name="node"/>, the state there being _depth[depth]; with
    /// <paramref name="only"/>, into the subtrees it marks (the rest is known allowed already).
    /// </summary>
    private void Walk(int node, int depth, bool[]? only)
    {
        var trie = _vocabulary.Trie;
        int first = trie.FirstChild[node];
        int end = first + trie.ChildCount[node];
        var from = _depth[depth];
        var to = _depth[depth + 1];
        for (int slot = first; slot < end; slot++)
        {
            if (only is not null && !only[trie.SlotNode[slot]])
            {
                continue;
            }

            _machine.Step(from, trie.SlotByte[slot], to);
            if (to.IsEmpty)
            {
                continue;
            }

            int child = trie.SlotNode[slot];
            for (int id = trie.Token[child]; id >= 0; id = trie.NextSame.GetValueOrDefault(id, -1))
            {
                Allow(id);
            }

            if (trie.ChildCount[child] > 0)
            {
                Walk(child, depth + 1, only);
            }
        }
    }

    private void Or(ulong[] bits)
    {
        var mask = _mask.AsSpan();
        System.Numerics.Tensors.TensorPrimitives.BitwiseOr<ulong>(mask, bits, mask);
    }

    private void Allow(int id)
    {
        if ((uint)id < (uint)_vocabulary.Size)
        {
            _mask[id >> 6] |= 1UL << (id & 63);
        }
    }
}
