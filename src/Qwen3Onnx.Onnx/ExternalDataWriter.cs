using Qwen3Onnx.Onnx.Proto;

namespace Qwen3Onnx.Onnx;

/// <summary>
/// Streams initializer bytes into one external-data file as they are produced, so that no graph ever
/// holds its weights in memory. Each tensor starts at an offset aligned for memory mapping.
/// </summary>
public sealed class ExternalDataWriter : IDisposable
{
    public const int DefaultAlignment = 4096;

    /// <summary>How much of a tensor <see cref="MoveTailTo"/> holds in memory at once (and, briefly, twice on disk).</summary>
    private const int MoveChunkBytes = 4 << 20;

    private readonly FileStream _file;
    private readonly BufferedStream _stream;
    private readonly int _alignment;
    private readonly CancellationToken _cancellation;
    private bool _released;

    /// <param name="cancellation">Checked before each tensor, so an interrupted export stops within one tensor.</param>
    public ExternalDataWriter(string path, int alignment = DefaultAlignment, CancellationToken cancellation = default)
    {
        Path = path;
        _alignment = alignment;
        _cancellation = cancellation;
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, bufferSize: 1);
        _stream = new BufferedStream(_file, 1 << 20);
    }

    public string Path { get; }

    /// <summary>Bytes in the file so far, padding included.</summary>
    public long Length => _stream.Position;

    /// <summary>Bytes of tensor data written, padding excluded.</summary>
    public long TensorBytes { get; private set; }

    /// <summary>
    /// Writes one tensor: <paramref name="writeBytes"/> must write exactly the tensor's little-endian bytes.
    /// Returns an initializer that references them (location is the file's name, relative to the model).
    /// </summary>
    public TensorProto Write(string name, TensorProto.Types.DataType type, IReadOnlyList<long> dims, Action<Stream> writeBytes)
    {
        _cancellation.ThrowIfCancellationRequested();
        if (_released)
        {
            throw new InvalidOperationException($"{Path}: tensors were moved out; no more can be written");
        }

        long expected = dims.Aggregate(1L, (a, b) => a * b) * ElementTypes.SizeOf(type);
        Pad();
        long offset = _stream.Position;
        writeBytes(_stream);
        long written = _stream.Position - offset;
        if (written != expected)
        {
            throw new InvalidOperationException($"initializer '{name}': wrote {written} bytes, expected {expected}");
        }

        TensorBytes += written;
        var tensor = new TensorProto { Name = name, DataType = (int)type, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.Dims.AddRange(dims);
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = System.IO.Path.GetFileName(Path) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = written.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return tensor;
    }

    public void Flush()
    {
        _stream.Flush();
        _file.Flush();
    }

    /// <summary>
    /// Moves the file's last tensor, <paramref name="length"/> bytes at <paramref name="offset"/>, to
    /// <paramref name="destinationOffset"/> of <paramref name="destination"/>, back to front in chunks, cutting the
    /// file after each chunk: an inline model is built beside the data file without a second copy of the weights
    /// on disk. Called for the tensors in descending offset order; afterwards the writer takes no more tensors.
    /// </summary>
    public void MoveTailTo(Stream destination, long destinationOffset, long offset, long length)
    {
        Flush();
        _released = true;
        if (offset < 0 || offset + length > _file.Length)
        {
            throw new InvalidOperationException($"{Path}: bytes {offset}..{offset + length} are not in the file (moved already, or out of order)");
        }

        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(MoveChunkBytes);
        try
        {
            for (long end = length; end > 0;)
            {
                int chunk = (int)Math.Min(MoveChunkBytes, end);
                long start = end - chunk;
                _file.Position = offset + start;
                _file.ReadExactly(buffer, 0, chunk);
                destination.Position = destinationOffset + start;
                destination.Write(buffer, 0, chunk);
                _file.SetLength(offset + start);
                end = start;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _file.Dispose();
    }

    private void Pad()
    {
        long remainder = _stream.Position % _alignment;
        if (remainder != 0)
        {
            Span<byte> zeros = stackalloc byte[256];
            zeros.Clear();
            for (long left = _alignment - remainder; left > 0; left -= zeros.Length)
            {
                _stream.Write(zeros[..(int)Math.Min(left, zeros.Length)]);
            }
        }
    }
}
