namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// The regular tokens' bytes as a trie in flat arrays: node n's children are slots FirstChild[n] …
/// FirstChild[n] + ChildCount[n] − 1 (each a byte and a node), and the tokens spelled exactly by the path to n are
/// Token[n] and then NextSame[...] (two ids may share bytes). Node 0 is the empty prefix.
/// </summary>
internal sealed class TokenTrie
{
    private readonly List<int> _firstChild = [];
    private readonly List<int> _childCount = [];
    private readonly List<int> _token = [];
    private readonly List<byte> _slotByte = [];
    private readonly List<int> _slotNode = [];

    /// <param name="tokens">Sorted by bytes.</param>
    public TokenTrie(List<(byte[] Bytes, int Id)> tokens)
    {
        NextSame = new Dictionary<int, int>();
        Build(tokens, 0, tokens.Count, 0);
        FirstChild = [.. _firstChild];
        ChildCount = [.. _childCount];
        Token = [.. _token];
        SlotByte = [.. _slotByte];
        SlotNode = [.. _slotNode];
    }

    public int[] FirstChild { get; }

    public int[] ChildCount { get; }

    /// <summary>A token spelled by the node's path, or −1.</summary>
    public int[] Token { get; }

    public Dictionary<int, int> NextSame { get; }

    public byte[] SlotByte { get; }

    public int[] SlotNode { get; }

    public int NodeCount => FirstChild.Length;

    /// <summary>Per node: whether a token in its subtree (itself included) satisfies <paramref name="predicate"/>.</summary>
    public bool[] SubtreesWith(Func<int, bool> predicate)
    {
        var has = new bool[NodeCount];
        // Nodes are numbered in pre-order, so every child comes after its parent: one backward pass suffices.
        for (int node = NodeCount - 1; node >= 0; node--)
        {
            for (int id = Token[node]; id >= 0 && !has[node]; id = NextSame.GetValueOrDefault(id, -1))
            {
                has[node] = predicate(id);
            }

            for (int slot = FirstChild[node]; slot < FirstChild[node] + ChildCount[node] && !has[node]; slot++)
            {
                has[node] = has[SlotNode[slot]];
            }
        }

        return has;
    }

    private int Build(List<(byte[] Bytes, int Id)> tokens, int from, int to, int depth)
    {
        int node = _firstChild.Count;
        _firstChild.Add(0);
        _childCount.Add(0);
        _token.Add(-1);
        int previous = -1;
        while (from < to && tokens[from].Bytes.Length == depth)
        {
            if (previous < 0)
            {
                _token[node] = tokens[from].Id;
            }
            else
            {
                NextSame[previous] = tokens[from].Id;
            }

            previous = tokens[from].Id;
            from++;
        }

        var groups = new List<(byte Value, int From, int To)>();
        for (int start = from; start < to;)
        {
            byte value = tokens[start].Bytes[depth];
            int end = start + 1;
            while (end < to && tokens[end].Bytes[depth] == value)
            {
                end++;
            }

            groups.Add((value, start, end));
            start = end;
        }

        int first = _slotByte.Count;
        _firstChild[node] = first;
        _childCount[node] = groups.Count;
        foreach (var group in groups)
        {
            _slotByte.Add(group.Value);
            _slotNode.Add(0);
        }

        for (int i = 0; i < groups.Count; i++)
        {
            _slotNode[first + i] = Build(tokens, groups[i].From, groups[i].To, depth + 1);
        }

        return node;
    }
}
