namespace Qwen3Onnx.Onnx;

/// <summary>One dimension of a symbolic shape: a fixed size, a named symbol ("batch"), or unknown.</summary>
public readonly record struct Dim(long? Size, string? Symbol)
{
    public static Dim Unknown => default;

    public bool IsFixed => Size.HasValue;

    public static implicit operator Dim(long size) => new(size, null);

    public static implicit operator Dim(int size) => new(size, null);

    public static implicit operator Dim(string symbol) => new(null, symbol);

    public override string ToString() => Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}
