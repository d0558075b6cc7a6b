namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// Refuses grammars the machine could expand for ever without reading a symbol: a node that reaches itself before
/// any input (left recursion, e.g. a schema whose <c>$ref</c> or <c>anyOf</c> points straight back at itself) and a
/// repetition whose item can match nothing. Both would hang a request rather than fail it.
/// </summary>
internal static class GrammarCheck
{
    public static void RequireTerminating(IReadOnlyList<GrammarNode> nodes, int root, string description)
    {
        bool[] nullable = Nullable(nodes);
        for (int id = 0; id < nodes.Count; id++)
        {
            if (nodes[id].Kind == GrammarNodeKind.Repeat && nullable[nodes[id].Children[0]])
            {
                throw new NotSupportedException($"{description}: a repeated item can be empty, so the repetition never has to end");
            }
        }

        // Every reachable node, not only the root's first set: a loop behind a literal (a property's $ref that points
        // at itself) hangs the machine just the same once the output gets there.
        var state = new byte[nodes.Count];   // 0 unvisited, 1 on the path, 2 done
        foreach (int start in Reachable(nodes, root))
        {
            if (state[start] == 0)
            {
                RequireNoFirstCycle(nodes, nullable, start, state, description);
            }
        }
    }

    private static void RequireNoFirstCycle(IReadOnlyList<GrammarNode> nodes, bool[] nullable, int start, byte[] state, string description)
    {
        var stack = new Stack<(int Node, int Next)>();
        stack.Push((start, 0));
        state[start] = 1;
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            var targets = FirstTargets(nodes[node], nullable);
            if (next == targets.Count)
            {
                state[node] = 2;
                continue;
            }

            stack.Push((node, next + 1));
            int target = targets[next];
            if (state[target] == 1)
            {
                throw new NotSupportedException($"{description}: a $ref or anyOf leads back to itself before any value is written (left recursion)");
            }

            if (state[target] == 0)
            {
                state[target] = 1;
                stack.Push((target, 0));
            }
        }
    }

    /// <summary>The nodes the root can lead to by any path, in discovery order.</summary>
    private static List<int> Reachable(IReadOnlyList<GrammarNode> nodes, int root)
    {
        var seen = new bool[nodes.Count];
        var order = new List<int> { root };
        seen[root] = true;
        for (int i = 0; i < order.Count; i++)
        {
            var node = nodes[order[i]];
            // A repeat's separator slot and a members' separator are −1 when absent.
            IEnumerable<int> next = node.Kind == GrammarNodeKind.Members ? node.Children.Append(node.Separator) : node.Children;
            foreach (int child in next)
            {
                if (child >= 0 && !seen[child])
                {
                    seen[child] = true;
                    order.Add(child);
                }
            }
        }

        return order;
    }

    /// <summary>The nodes that may start matching where <paramref name="node"/> starts (before any input).</summary>
    private static List<int> FirstTargets(GrammarNode node, bool[] nullable)
    {
        var targets = new List<int>();
        switch (node.Kind)
        {
            case GrammarNodeKind.Sequence:
                foreach (int child in node.Children)
                {
                    targets.Add(child);
                    if (!nullable[child])
                    {
                        break;
                    }
                }

                break;
            case GrammarNodeKind.Choice:
            case GrammarNodeKind.Members:
            case GrammarNodeKind.Reference:
                targets.AddRange(node.Children);
                if (node.Kind == GrammarNodeKind.Members)
                {
                    targets.Add(node.Separator);
                }

                break;
            case GrammarNodeKind.Repeat:
                targets.Add(node.Children[0]);
                break;
        }

        return targets;
    }

    /// <summary>Which nodes can finish without reading anything (a fixed point, since references may loop).</summary>
    private static bool[] Nullable(IReadOnlyList<GrammarNode> nodes)
    {
        var nullable = new bool[nodes.Count];
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int id = 0; id < nodes.Count; id++)
            {
                var node = nodes[id];
                bool value = node.Kind switch
                {
                    GrammarNodeKind.Sequence => node.Children.All(c => nullable[c]),
                    GrammarNodeKind.Choice => node.Children.Any(c => nullable[c]),
                    GrammarNodeKind.Repeat => node.Min == 0 || nullable[node.Children[0]],
                    GrammarNodeKind.Members => node.Required.Select((required, i) => !required || nullable[node.Children[i]]).All(ok => ok),
                    GrammarNodeKind.Reference => nullable[node.Children[0]],
                    GrammarNodeKind.Whitespace => true,
                    GrammarNodeKind.FreeText => node.Terminator < 0,
                    _ => false,
                };
                if (value && !nullable[id])
                {
                    nullable[id] = true;
                    changed = true;
                }
            }
        }

        return nullable;
    }
}
