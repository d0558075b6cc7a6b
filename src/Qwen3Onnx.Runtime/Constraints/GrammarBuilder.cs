using System.Text;

namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// Builds a grammar node by node (ids index <see cref="Nodes"/>), with the pieces JSON is made of. Structural
/// whitespace is bounded (<see cref="MaxWhitespace"/> bytes per gap) so a model cannot pad forever, and every
/// repetition's item consumes input, so the machine never loops on empty matches.
/// </summary>
internal sealed class GrammarBuilder
{
    /// <summary>Enough for pretty-printed JSON a dozen levels deep; more is a model stalling, not formatting.</summary>
    public const int MaxWhitespace = 24;

    private readonly List<GrammarNode> _nodes = [];
    private int _anyValue = -1;

    public IReadOnlyList<GrammarNode> Nodes => _nodes;

    public static int TokenSymbol(int tokenId) => GrammarMachine.AddedTokenBase + tokenId;

    public int Add(GrammarNode node)
    {
        _nodes.Add(node);
        return _nodes.Count - 1;
    }

    public int Sequence(params int[] parts) => parts.Length == 1 ? parts[0] : Add(new GrammarNode { Kind = GrammarNodeKind.Sequence, Children = parts });

    public int Choice(params int[] options) => options.Length == 1 ? options[0] : Add(new GrammarNode { Kind = GrammarNodeKind.Choice, Children = options });

    public int Repeat(int item, int min, int max, int separator = -1) =>
        Add(new GrammarNode { Kind = GrammarNodeKind.Repeat, Children = [item, separator], Min = min, Max = max });

    public int Optional(int item) => Repeat(item, 0, 1);

    public int Literal(string text) => Literal(Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray());

    public int Literal(params int[] symbols)
    {
        if (symbols.Length == 0)
        {
            throw new ArgumentException("a literal needs at least one symbol", nameof(symbols));
        }

        return Add(new GrammarNode { Kind = GrammarNodeKind.Literal, Symbols = symbols });
    }

    public int Token(int tokenId) => Literal(TokenSymbol(tokenId));

    public int Whitespace() => Add(new GrammarNode { Kind = GrammarNodeKind.Whitespace, Max = MaxWhitespace });

    public int String(int minLength = 0, int maxLength = int.MaxValue) =>
        Add(new GrammarNode { Kind = GrammarNodeKind.String, Min = minLength, Max = maxLength });

    public int Number(bool integer) => Add(new GrammarNode { Kind = GrammarNodeKind.Number, Min = integer ? 1 : 0 });

    public int FreeText(IEnumerable<int> bannedTokenIds, int terminatorTokenId = -1) => Add(new GrammarNode
    {
        Kind = GrammarNodeKind.FreeText,
        Symbols = [.. bannedTokenIds.Select(TokenSymbol)],
        Terminator = terminatorTokenId < 0 ? -1 : TokenSymbol(terminatorTokenId),
    });

    /// <summary>Raw text ending at the first <paramref name="terminator"/> (included); the matcher is the terminator's KMP automaton over bytes.</summary>
    public int TextUntil(string terminator)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(terminator);
        var transitions = new int[bytes.Length * 256];
        for (int matched = 0; matched < bytes.Length; matched++)
        {
            for (int value = 0; value < 256; value++)
            {
                transitions[(matched * 256) + value] = LongestMatch(bytes, matched, (byte)value);
            }
        }

        return Add(new GrammarNode { Kind = GrammarNodeKind.TextUntil, Symbols = [.. bytes.Select(b => (int)b)], Transitions = transitions });
    }

    /// <summary>The longest prefix of <paramref name="terminator"/> that ends the text matched so far followed by <paramref name="next"/>.</summary>
    private static int LongestMatch(byte[] terminator, int matched, byte next)
    {
        Span<byte> seen = stackalloc byte[matched + 1];
        terminator.AsSpan(0, matched).CopyTo(seen);
        seen[matched] = next;
        for (int length = matched + 1; length > 0; length--)
        {
            if (seen[^length..].SequenceEqual(terminator.AsSpan(0, length)))
            {
                return length;
            }
        }

        return 0;
    }

    /// <summary>A placeholder to point at before its target exists (recursive schemas); see <see cref="Resolve"/>.</summary>
    public int Reference() => Add(new GrammarNode { Kind = GrammarNodeKind.Reference, Children = [-1] });

    public void Resolve(int reference, int target) => _nodes[reference].Children[0] = target;

    /// <summary><c>[ item, item ]</c> with between <paramref name="min"/> and <paramref name="max"/> items.</summary>
    public int Array(int item, int min = 0, int max = int.MaxValue)
    {
        int comma = Sequence(Whitespace(), Literal(","), Whitespace());
        int items = Repeat(item, min, max, comma);
        return Sequence(Literal("["), Whitespace(), items, Whitespace(), Literal("]"));
    }

    /// <summary><c>{ "name": value, … }</c> with the members in the given order; optional ones may be left out.</summary>
    public int Object(IReadOnlyList<(string Name, int Value, bool Required)> members)
    {
        if (members.Count == 0)
        {
            return Sequence(Literal("{"), Whitespace(), Literal("}"));
        }

        int[] parts = [.. members.Select(member => Sequence(Literal(JsonText.Quote(member.Name)), Whitespace(), Literal(":"), Whitespace(), member.Value))];
        int comma = Sequence(Whitespace(), Literal(","), Whitespace());
        int body = Add(new GrammarNode { Kind = GrammarNodeKind.Members, Children = parts, Required = [.. members.Select(m => m.Required)], Separator = comma });
        return Sequence(Literal("{"), Whitespace(), body, Whitespace(), Literal("}"));
    }

    /// <summary><c>{ "key": value, … }</c> with any keys.</summary>
    public int FreeObject(int value)
    {
        int member = Sequence(String(), Whitespace(), Literal(":"), Whitespace(), value);
        int comma = Sequence(Whitespace(), Literal(","), Whitespace());
        return Sequence(Literal("{"), Whitespace(), Repeat(member, 0, int.MaxValue, comma), Whitespace(), Literal("}"));
    }

    /// <summary>Any JSON value (shared; nesting is bounded by the machine's stack).</summary>
    public int AnyValue()
    {
        if (_anyValue >= 0)
        {
            return _anyValue;
        }

        int self = Reference();
        _anyValue = self;
        int value = Choice(FreeObject(self), Array(self), String(), Number(integer: false), Literal("true"), Literal("false"), Literal("null"));
        Resolve(self, value);
        return self;
    }
}
