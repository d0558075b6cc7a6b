using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Qwen3Onnx.Runtime.Tokenization;

/// <summary>
/// JSON text as transformers' <c>tojson</c> filter writes it: Python's <c>json.dumps(x, ensure_ascii=False)</c>
/// with its default separators <c>", "</c> and <c>": "</c>, keys in their given order, floats as Python's repr.
/// </summary>
internal static class PythonJson
{
    public static string Serialize(JsonElement value)
    {
        var builder = new StringBuilder();
        Write(value, builder);
        return builder.ToString();
    }

    private static void Write(JsonElement value, StringBuilder builder)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(value, builder);
                break;
            case JsonValueKind.Array:
                WriteArray(value, builder);
                break;
            case JsonValueKind.String:
                WriteString(value.GetString()!, builder);
                break;
            case JsonValueKind.Number:
                builder.Append(PythonNumber(value.GetRawText()));
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    private static void WriteObject(JsonElement value, StringBuilder builder)
    {
        builder.Append('{');
        bool first = true;
        foreach (var property in value.EnumerateObject())
        {
            builder.Append(first ? "" : ", ");
            WriteString(property.Name, builder);
            builder.Append(": ");
            Write(property.Value, builder);
            first = false;
        }

        builder.Append('}');
    }

    private static void WriteArray(JsonElement value, StringBuilder builder)
    {
        builder.Append('[');
        bool first = true;
        foreach (var item in value.EnumerateArray())
        {
            builder.Append(first ? "" : ", ");
            Write(item, builder);
            first = false;
        }

        builder.Append(']');
    }

    private static void WriteString(string text, StringBuilder builder)
    {
        builder.Append('"');
        foreach (char c in text)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                '\t' => builder.Append("\\t"),
                '\b' => builder.Append("\\b"),
                '\f' => builder.Append("\\f"),
                < ' ' => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        builder.Append('"');
    }

    /// <summary>JSON integers stay as written (Python ints are exact); other numbers print as Python's float repr.</summary>
    internal static string PythonNumber(string raw)
    {
        if (raw.AsSpan().IndexOfAny(".eE") < 0)
        {
            return raw == "-0" ? "0" : raw;
        }

        return PythonFloatRepr(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>repr(float): the shortest round-trip digits, positional when −4 &lt; exponent ≤ 16, else d.ddde±XX.</summary>
    internal static string PythonFloatRepr(double value)
    {
        (string digits, int pointPosition) = ShortestDigits(Math.Abs(value));
        string sign = double.IsNegative(value) ? "-" : "";
        if (pointPosition > -4 && pointPosition <= 16)
        {
            return sign + Positional(digits, pointPosition);
        }

        string mantissa = digits.Length == 1 ? digits : $"{digits[0]}.{digits[1..]}";
        int exponent = pointPosition - 1;
        return $"{sign}{mantissa}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
    }

    /// <summary>Significant digits without trailing zeros and where the point goes (value = 0.DIGITS × 10^point).</summary>
    private static (string Digits, int PointPosition) ShortestDigits(double magnitude)
    {
        if (magnitude == 0)
        {
            return ("0", 1);
        }

        string roundTrip = magnitude.ToString("R", CultureInfo.InvariantCulture);
        int exponentAt = roundTrip.IndexOf('E');
        string mantissa = exponentAt < 0 ? roundTrip : roundTrip[..exponentAt];
        int exponent = exponentAt < 0 ? 0 : int.Parse(roundTrip[(exponentAt + 1)..], CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.');
        int integerDigits = dot < 0 ? mantissa.Length : dot;
        string allDigits = mantissa.Replace(".", "", StringComparison.Ordinal);
        int leadingZeros = allDigits.Length - allDigits.TrimStart('0').Length;
        string digits = allDigits.Trim('0');
        return (digits, integerDigits + exponent - leadingZeros);
    }

    private static string Positional(string digits, int pointPosition)
    {
        if (pointPosition <= 0)
        {
            return "0." + new string('0', -pointPosition) + digits;
        }

        if (pointPosition >= digits.Length)
        {
            return digits + new string('0', pointPosition - digits.Length) + ".0";
        }

        return $"{digits[..pointPosition]}.{digits[pointPosition..]}";
    }
}
