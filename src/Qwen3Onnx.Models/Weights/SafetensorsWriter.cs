using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Qwen3Onnx.Models.Weights;

/// <summary>
/// Streams a <c>.safetensors</c> file: the tensors are declared up front (the header comes first and
/// fixes every offset), then their data is appended in declaration order, in as many chunks as the
/// caller likes. Everything goes to a temporary sibling file that <see cref="Commit"/> moves into
/// place, so a failed or abandoned write never leaves a half-written file under the final name.
/// </summary>
public sealed class SafetensorsWriter : IDisposable
{
    // The format allows the header to be padded with spaces; 8-byte alignment keeps the data aligned.
    private const int Alignment = 8;
    private const int ChunkElements = 16 * 1024;

    private readonly IReadOnlyList<TensorInfo> _tensors;
    private readonly string _temporaryPath;
    private readonly FileStream _stream;
    private int _current;
    private long _remainingBytes;
    private bool _committed;

    private SafetensorsWriter(string path, IReadOnlyList<TensorInfo> tensors, string temporaryPath, FileStream stream)
    {
        Path = path;
        _tensors = tensors;
        _temporaryPath = temporaryPath;
        _stream = stream;
        _remainingBytes = tensors.Count > 0 ? ByteSize(tensors[0]) : 0;
    }

    public string Path { get; }

    /// <summary>Writes the header for <paramref name="tensors"/> (in this order) and awaits their data.</summary>
    public static SafetensorsWriter Create(string path, IEnumerable<TensorInfo> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var duplicate = list.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"tensor '{duplicate.Key}' is declared twice", nameof(tensors));
        }

        byte[] header = Header(list, metadata);
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        string temporaryPath = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        try
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            return new SafetensorsWriter(path, list, temporaryPath, stream);
        }
        catch
        {
            stream.Dispose();
            File.Delete(temporaryPath);
            throw;
        }
    }

    /// <summary>Writes a whole file from float32 values, each stored in its tensor's dtype.</summary>
    public static void WriteFile(string path, IEnumerable<(TensorInfo Info, float[] Values)> tensors)
    {
        var list = tensors.ToList();
        using var writer = Create(path, list.Select(t => t.Info));
        foreach (var (info, values) in list)
        {
            writer.WriteFloat32(info.Name, values);
        }

        writer.Commit();
    }

    /// <summary>Appends the next values of tensor <paramref name="name"/>, rounded to its dtype (nearest-even).</summary>
    public void WriteFloat32(string name, ReadOnlySpan<float> values)
    {
        var dtype = MoveTo(name).DType;
        CheckFits(name, (long)values.Length * DTypes.SizeOf(dtype));
        if (dtype == TensorDType.Float32)
        {
            WriteRaw(MemoryMarshal.AsBytes(values));
            return;
        }

        ushort[] buffer = ArrayPool<ushort>.Shared.Rent(Math.Min(values.Length, ChunkElements));
        try
        {
            for (int start = 0; start < values.Length; start += ChunkElements)
            {
                var chunk = values.Slice(start, Math.Min(ChunkElements, values.Length - start));
                var encoded = buffer.AsSpan(0, chunk.Length);
                Encode(dtype, chunk, encoded);
                WriteRaw(MemoryMarshal.AsBytes(encoded));
            }
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(buffer);
        }
    }

    /// <summary>Appends the next raw little-endian bytes of tensor <paramref name="name"/>, already in its dtype.</summary>
    public void WriteBytes(string name, ReadOnlySpan<byte> bytes)
    {
        MoveTo(name);
        CheckFits(name, bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>Checks that every tensor is complete, flushes, and moves the file into place.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        SkipCompletedTensors(stopAt: null);
        if (_current < _tensors.Count)
        {
            throw new InvalidOperationException($"{Path}: tensor '{Current.Name}' is missing {_remainingBytes} bytes of data");
        }

        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_temporaryPath, Path, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        _stream.Dispose();
        File.Delete(_temporaryPath);
        _committed = true;
    }

    private TensorInfo Current => _tensors[_current];

    private static long ByteSize(TensorInfo info) => info.ElementCount * DTypes.SizeOf(info.DType);

    private static void Encode(TensorDType dtype, ReadOnlySpan<float> values, Span<ushort> destination)
    {
        if (dtype == TensorDType.Float16)
        {
            DTypes.Float32ToFloat16(values, MemoryMarshal.Cast<ushort, Half>(destination));
        }
        else
        {
            DTypes.Float32ToBFloat16(values, destination);
        }
    }

    /// <summary>Moves on to <paramref name="name"/> when the previous tensor is full.</summary>
    private TensorInfo MoveTo(string name)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        SkipCompletedTensors(stopAt: name);
        if (_current >= _tensors.Count || Current.Name != name)
        {
            string expected = _current < _tensors.Count ? $"'{Current.Name}'" : "no more tensors";
            throw new InvalidOperationException($"{Path}: got data for tensor '{name}' but expected {expected} (tensors are written in declaration order)");
        }

        return Current;
    }

    private void CheckFits(string name, long byteCount)
    {
        if (byteCount > _remainingBytes)
        {
            throw new InvalidOperationException($"{Path}: tensor '{name}' has only {_remainingBytes} bytes left, got {byteCount}");
        }
    }

    /// <summary>Steps past full tensors, but not past <paramref name="stopAt"/> (an empty tensor may still be "written").</summary>
    private void SkipCompletedTensors(string? stopAt)
    {
        while (_current < _tensors.Count && _remainingBytes == 0 && Current.Name != stopAt)
        {
            _current++;
            _remainingBytes = _current < _tensors.Count ? ByteSize(Current) : 0;
        }
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        _stream.Write(bytes);
        _remainingBytes -= bytes.Length;
    }

    private static byte[] Header(IReadOnlyList<TensorInfo> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var tensor in tensors)
            {
                long size = ByteSize(tensor);
                WriteEntry(json, tensor, offset, offset + size);
                offset += size;
            }

            json.WriteEndObject();
        }

        int padding = (Alignment - (int)((8 + buffer.Length) % Alignment)) % Alignment;
        buffer.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
        return buffer.ToArray();
    }

    private static void WriteEntry(Utf8JsonWriter json, TensorInfo tensor, long begin, long end)
    {
        json.WriteStartObject(tensor.Name);
        json.WriteString("dtype", DTypes.ToSafetensors(tensor.DType));
        json.WriteStartArray("shape");
        foreach (long dim in tensor.Shape)
        {
            json.WriteNumberValue(dim);
        }

        json.WriteEndArray();
        json.WriteStartArray("data_offsets");
        json.WriteNumberValue(begin);
        json.WriteNumberValue(end);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
