using System.Buffers.Binary;
using System.Text;

namespace Qwen3Onnx.Models.Tests;

/// <summary>Hand-built safetensors bytes, for files the writer would refuse to produce.</summary>
internal static class RawSafetensors
{
    /// <summary>8-byte length, <paramref name="headerJson"/>, then <paramref name="dataBytes"/> zero bytes.</summary>
    public static byte[] Build(string headerJson, int dataBytes)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        var file = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        return file;
    }

    public static string Write(TempFolder folder, string headerJson, int dataBytes, string name = "model.safetensors")
    {
        string path = folder.File(name);
        File.WriteAllBytes(path, Build(headerJson, dataBytes));
        return path;
    }
}
