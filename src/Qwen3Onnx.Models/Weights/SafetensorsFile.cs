using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text.Json;

namespace Qwen3Onnx.Models.Weights;

/// <summary>
/// One memory-mapped <c>.safetensors</c> file: an 8-byte little-endian header length, a JSON header
/// (<c>name → {dtype, shape, data_offsets}</c>, plus optional <c>__metadata__</c>), then the data.
/// The header is validated completely on open so that bad files fail before any output is written.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    // Headers of real checkpoints are well under 1 MB; the format's own reference caps them at 100 MB.
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _basePointer;
    private readonly long _dataStart;
    private readonly Dictionary<string, Entry> _entries;

    private SafetensorsFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, long dataStart, Dictionary<string, Entry> entries)
    {
        Path = path;
        _map = map;
        _view = view;
        _dataStart = dataStart;
        _entries = entries;
        if (view is not null)
        {
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _basePointer = pointer + view.PointerOffset;
        }
    }

    public string Path { get; }

    public IReadOnlyCollection<string> TensorNames => _entries.Keys;

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new Qwen3OnnxException($"{path}: safetensors file not found");
        }

        long length;
        try
        {
            // Opening follows symbolic links (the Hugging Face cache's snapshot entries are links to blobs);
            // FileInfo.Length would report the link's own size.
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            length = probe.Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Qwen3OnnxException($"{path}: cannot open safetensors file ({ex.Message})", ex);
        }

        if (length < 8)
        {
            throw new Qwen3OnnxException($"{path}: truncated safetensors file ({length} bytes, shorter than the 8-byte header length)");
        }

        Span<byte> lengthBytes = stackalloc byte[8];
        byte[] headerBytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            stream.ReadExactly(lengthBytes);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > (ulong)(length - 8))
            {
                throw new Qwen3OnnxException($"{path}: header length {headerLength} runs past the end of the file ({length} bytes)");
            }

            if (headerLength > MaxHeaderBytes)
            {
                throw new Qwen3OnnxException($"{path}: header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
            }

            headerBytes = new byte[headerLength];
            stream.ReadExactly(headerBytes);
        }

        long dataStart = 8 + headerBytes.Length;
        var entries = ParseHeader(path, headerBytes, length - dataStart);
        if (length == 0 || entries.Count == 0 || length == dataStart)
        {
            return new SafetensorsFile(path, null, null, dataStart, entries);
        }

        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        return new SafetensorsFile(path, map, view, dataStart, entries);
    }

    public bool Contains(string name) => _entries.ContainsKey(name);

    public TensorInfo GetInfo(string name) =>
        _entries.TryGetValue(name, out var entry)
            ? entry.Info
            : throw new Qwen3OnnxException($"{Path}: tensor '{name}' not found");

    /// <summary>The tensor's raw little-endian bytes, straight from the mapping (no copy).</summary>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        if (!_entries.TryGetValue(name, out var entry))
        {
            throw new Qwen3OnnxException($"{Path}: tensor '{name}' not found");
        }

        long size = entry.End - entry.Begin;
        if (size == 0)
        {
            return [];
        }

        if (size > int.MaxValue)
        {
            throw new Qwen3OnnxException($"{Path}: tensor '{name}' is {size} bytes; read it in slices with ReadFloat32");
        }

        return new ReadOnlySpan<byte>(_basePointer + _dataStart + entry.Begin, (int)size);
    }

    public void ReadFloat32(string name, long elementOffset, Span<float> destination)
    {
        if (!_entries.TryGetValue(name, out var entry))
        {
            throw new Qwen3OnnxException($"{Path}: tensor '{name}' not found");
        }

        long count = entry.Info.ElementCount;
        if (elementOffset < 0 || elementOffset + destination.Length > count)
        {
            throw new ArgumentOutOfRangeException(nameof(elementOffset), $"slice [{elementOffset}, +{destination.Length}) outside tensor '{name}' of {count} elements");
        }

        if (destination.IsEmpty)
        {
            return;
        }

        int elementSize = DTypes.SizeOf(entry.Info.DType);
        byte* start = _basePointer + _dataStart + entry.Begin + (elementOffset * elementSize);
        var source = new ReadOnlySpan<byte>(start, checked(destination.Length * elementSize));
        DTypes.ConvertToFloat32(entry.Info.DType, source, destination);
    }

    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }

        _map?.Dispose();
    }

    private static Dictionary<string, Entry> ParseHeader(string path, byte[] headerBytes, long dataLength)
    {
        // JsonDocument parses bytes that are not UTF-8 but throws InvalidOperationException when a string is read.
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes))
        {
            throw new Qwen3OnnxException($"{path}: safetensors header is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException ex)
        {
            throw new Qwen3OnnxException($"{path}: malformed safetensors header JSON ({ex.Message})", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new Qwen3OnnxException($"{path}: safetensors header is not a JSON object");
            }

            var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    continue;
                }

                if (entries.ContainsKey(property.Name))
                {
                    throw new Qwen3OnnxException($"{path}: tensor '{property.Name}' appears twice in the header");
                }

                entries[property.Name] = ParseEntry(path, property.Name, property.Value, dataLength);
            }

            CheckNoOverlap(path, entries);
            return entries;
        }
    }

    private static Entry ParseEntry(string path, string name, JsonElement value, long dataLength)
    {
        Qwen3OnnxException Bad(string what) => new($"{path}: tensor '{name}': {what}");

        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array)
        {
            throw Bad("header entry needs 'dtype', 'shape' and 'data_offsets'");
        }

        string dtypeName = dtypeElement.GetString()!;
        var dtype = DTypes.FromSafetensors(dtypeName) ?? throw Bad($"unsupported dtype '{dtypeName}' (supported: F32, F16, BF16)");
        var shape = new List<long>();
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long d) || d < 0)
            {
                throw Bad($"invalid shape {shapeElement.GetRawText()}");
            }

            shape.Add(d);
        }

        var offsets = offsetsElement.EnumerateArray().ToArray();
        long begin = 0, end = 0;
        if (offsets.Length != 2 || !TryGetInt64(offsets[0], out begin) || !TryGetInt64(offsets[1], out end))
        {
            throw Bad($"invalid data_offsets {offsetsElement.GetRawText()}");
        }

        var info = new TensorInfo(name, dtype, shape);
        long expected;
        try
        {
            // Multiplied checked here: an overflowing shape would otherwise wrap to a plausible size.
            expected = shape.Aggregate((long)DTypes.SizeOf(dtype), (product, dim) => checked(product * dim));
        }
        catch (OverflowException)
        {
            throw Bad($"shape {info.ShapeText} is too large");
        }

        if (begin < 0 || end < begin || end > dataLength)
        {
            throw Bad($"data_offsets [{begin}, {end}] out of range (data section is {dataLength} bytes)");
        }

        if (end - begin != expected)
        {
            throw Bad($"data_offsets [{begin}, {end}] hold {end - begin} bytes but {dtypeName} {info.ShapeText} needs {expected}");
        }

        return new Entry(info, begin, end);
    }

    private static bool TryGetInt64(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value);
    }

    private static void CheckNoOverlap(string path, Dictionary<string, Entry> entries)
    {
        Entry? previous = null;
        foreach (var entry in entries.Values.Where(e => e.End > e.Begin).OrderBy(e => e.Begin))
        {
            if (previous is not null && entry.Begin < previous.End)
            {
                throw new Qwen3OnnxException(
                    $"{path}: tensors '{previous.Info.Name}' and '{entry.Info.Name}' have overlapping data_offsets");
            }

            previous = entry;
        }
    }

    private sealed record Entry(TensorInfo Info, long Begin, long End);
}
