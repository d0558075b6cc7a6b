using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// What Jinja's <c>string</c> and <c>trim</c> filters make of a value <c>json.loads</c> gave: <c>str()</c> (a string
/// as it is, <c>True</c>/<c>None</c>, floats as their repr, lists and dicts as their repr) and <c>str.strip()</c>.
/// </summary>
internal static class PythonText
{
    /// <summary><c>str(value)</c>.</summary>
    public static string Str(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : Repr(value);

    /// <summary><c>repr(value)</c>.</summary>
    public static string Repr(JsonElement value)
    {
        var builder = new StringBuilder();
        WriteRepr(value, builder);
        return builder.ToString();
    }

    /// <summary><c>str.strip()</c>: Python's whitespace includes the separators U+001C–U+001F that .NET's does not.</summary>
    public static string Strip(string text) => text.AsSpan().Trim(WhiteSpace).ToString();

    private static readonly char[] WhiteSpace =
        [.. Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(c => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f')];

    private static void WriteRepr(JsonElement value, StringBuilder builder)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                bool firstProperty = true;
                foreach (var property in value.EnumerateObject())
                {
                    builder.Append(firstProperty ? "" : ", ");
                    WriteStringRepr(property.Name, builder);
                    builder.Append(": ");
                    WriteRepr(property.Value, builder);
                    firstProperty = false;
                }

                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                bool firstItem = true;
                foreach (var item in value.EnumerateArray())
                {
                    builder.Append(firstItem ? "" : ", ");
                    WriteRepr(item, builder);
                    firstItem = false;
                }

                builder.Append(']');
                break;
            case JsonValueKind.String:
                WriteStringRepr(value.GetString()!, builder);
                break;
            case JsonValueKind.Number:
                builder.Append(PythonJson.PythonNumber(value.GetRawText()));
                break;
            case JsonValueKind.True:
                builder.Append("True");
                break;
            case JsonValueKind.False:
                builder.Append("False");
                break;
            default:
                builder.Append("None");
                break;
        }
    }

    /// <summary>Single quotes unless the text has one and no double quote; unprintable characters escaped as Python does.</summary>
    private static void WriteStringRepr(string text, StringBuilder builder)
    {
        char quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        builder.Append(quote);
        foreach (Rune rune in text.EnumerateRunes())
        {
            int code = rune.Value;
            if (code == quote || code == '\\')
            {
                builder.Append('\\').Append((char)code);
            }
            else if (code is '\n' or '\r' or '\t')
            {
                builder.Append(code == '\n' ? "\\n" : code == '\r' ? "\\r" : "\\t");
            }
            else if (code == ' ' || (code < 0x7f && code > ' ') || (code > 0x7f && IsPrintable(rune)))
            {
                builder.Append(rune.ToString());
            }
            else
            {
                builder.Append(code < 0x100 ? "\\x" : code < 0x10000 ? "\\u" : "\\U")
                    .Append(code.ToString(code < 0x100 ? "x2" : code < 0x10000 ? "x4" : "x8", CultureInfo.InvariantCulture));
            }
        }

        builder.Append(quote);
    }

    private static bool IsPrintable(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };
}
