namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// One row's position in a <see cref="TokenGrammar"/>: which tokens may come next (a bit per vocabulary id) and
/// the advance over the token that was picked. The mask is the union over the live stacks of: the plain-string
/// bit set plus a check of the few quote/backslash tokens when the stack is inside an unbounded string, every
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

            for (int id = start; id < end; id++)
            {
                if ((bits & (1UL << (id - start))) == 0)
                {
                    logits[id] = float.NegativeInfinity;
                }
            }
        }

        logits[size..].Fill(float.NegativeInfinity);
    }

    /// <summary>Fills the allowed-token bit set (exposed for tests and the mask benchmark).</summary>
    public ReadOnlySpan<ulong> ComputeMask()
    {
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

        return _mask;
    }

    public bool Allows(int id) => (uint)id < (uint)_vocabulary.Size && (_mask[id >> 6] & (1UL << (id & 63))) != 0;

    /// <summary>Advances over <paramref name="id"/>; a token the grammar does not allow is a bug in the caller.</summary>
    public void Accept(int id)
    {
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
        if (top.Kind == GrammarNodeKind.FreeText)
        {
            Or(_vocabulary.Regular);
        }
        else if (top.Kind == GrammarNodeKind.String && pc == GrammarMachine.StringContent && top.Max == int.MaxValue)
        {
            Or(_vocabulary.PlainString);
            foreach (int id in _vocabulary.StringBreakers)
            {
                if (Survives(start, _vocabulary.Bytes(id)))
                {
                    Allow(id);
                }
            }
        }
        else
        {
            Walk(0, 0);
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

    private bool Survives(StackSet start, ReadOnlySpan<byte> bytes)
    {
        var from = start;
        for (int i = 0; i < bytes.Length; i++)
        {
            var to = _depth[i + 1];
            _machine.Step(from, bytes[i], to);
            if (to.IsEmpty)
            {
                return false;
            }

            from = to;
        }

        return true;
    }

    /// <summary>Depth-first over the trie from <paramref name="node"/>, the state there being _depth[depth].</summary>
    private void Walk(int node, int depth)
    {
        var trie = _vocabulary.Trie;
        int first = trie.FirstChild[node];
        int end = first + trie.ChildCount[node];
        var from = _depth[depth];
        var to = _depth[depth + 1];
        for (int slot = first; slot < end; slot++)
        {
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
                Walk(child, depth + 1);
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
