namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>One node of a compiled grammar; which fields mean something depends on <see cref="Kind"/>.</summary>
internal sealed class GrammarNode
{
    public required GrammarNodeKind Kind { get; init; }

    /// <summary>Sequence/Choice/Members: the parts; Repeat: [item, separator or −1]; Reference: [target].</summary>
    public int[] Children { get; set; } = [];

    /// <summary>Literal: the symbols; FreeText: the banned added-token symbols.</summary>
    public int[] Symbols { get; init; } = [];

    /// <summary>Members: which members must appear.</summary>
    public bool[] Required { get; init; } = [];

    /// <summary>Members: the node between two present members (the comma and its whitespace).</summary>
    public int Separator { get; init; } = -1;

    /// <summary>Repeat: fewest items; String: fewest characters; Number: 1 for integers only.</summary>
    public int Min { get; init; }

    /// <summary>Repeat: most items; String: most characters; Whitespace: most bytes.</summary>
    public int Max { get; init; } = int.MaxValue;

    /// <summary>TextUntil: for each matched length × 256 bytes, the matched length after that byte.</summary>
    public int[] Transitions { get; init; } = [];

    /// <summary>FreeText: the symbol that ends it, or −1 when it may end anywhere.</summary>
    public int Terminator { get; init; } = -1;
}
