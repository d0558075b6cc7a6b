namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// The building blocks of a decoding grammar. The first five are structure (they never consume input themselves);
/// the rest are terminals, which consume one symbol at a time: a byte 0–255, or an added token as 256 + its id.
/// </summary>
internal enum GrammarNodeKind : byte
{
    /// <summary>Children one after another.</summary>
    Sequence,

    /// <summary>Any one child (JSON Schema's anyOf, enum).</summary>
    Choice,

    /// <summary>Between Min and Max items, a separator between two items.</summary>
    Repeat,

    /// <summary>A JSON object's members in declared order, optional ones skippable, commas only between present ones.</summary>
    Members,

    /// <summary>Stands for another node (a JSON Schema $ref, which may be recursive).</summary>
    Reference,

    /// <summary>A fixed run of symbols.</summary>
    Literal,

    /// <summary>A JSON string, quotes included, of Min…Max characters, valid UTF-8 and escapes.</summary>
    String,

    /// <summary>A JSON number; Min = 1 allows only integers.</summary>
    Number,

    /// <summary>Up to Max bytes of JSON whitespace (space, tab, newline).</summary>
    Whitespace,

    /// <summary>
    /// Free text: any byte and any added token but the banned ones. With a terminator it ends at that token
    /// (Qwen3's thinking block, closed by &lt;/think&gt;); without one it may end anywhere.
    /// </summary>
    FreeText,

    /// <summary>
    /// Raw text up to and including a byte string (Symbols; Qwen3-Coder's <c>&lt;/parameter&gt;</c>): any valid UTF-8, no added
    /// tokens, ending at the first occurrence. Transitions is its matcher: the next matched length for (length, byte).
    /// </summary>
    TextUntil,
}
