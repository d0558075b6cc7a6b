using Google.Protobuf;
using Qwen3Onnx.Onnx.Proto;

namespace Qwen3Onnx.Onnx;

/// <summary>
/// Writes a <see cref="ModelProto"/> whose large initializers live in an <see cref="ExternalDataWriter"/>,
/// either as is (weights stay external) or inline, moving each tensor's bytes from the data file into
/// <c>raw_data</c> so that the weights never sit in memory nor twice on disk.
/// </summary>
public static class OnnxModelWriter
{
    /// <summary>Protobuf's hard limit on one message is 2 GiB.</summary>
    public const long MaxInlineBytes = int.MaxValue;

    public static void WriteExternal(ModelProto model, string modelPath)
    {
        using var file = File.Create(modelPath);
        model.WriteTo(file);
    }

    /// <summary>
    /// Streams the model with every external initializer turned into raw_data. Fields of a protobuf message may
    /// come in any order, so the graph is written without initializers, then each initializer follows it inside
    /// the same length-delimited graph field, whose size is computed up front. The initializers' bytes are left as
    /// holes at first and then moved in from the data file's end backwards, which gives the disk space back as it
    /// goes: the data file and the model never both hold the weights.
    /// </summary>
    public static void WriteInline(ModelProto model, ExternalDataWriter data, string modelPath)
    {
        var graph = model.Graph.Clone();

        // In data-file order, so that the moves below always take the file's tail.
        var initializers = graph.Initializer.Select(InlineParts).OrderBy(part => part.Offset).ToList();
        graph.Initializer.Clear();
        long graphSize = graph.CalculateSize() + initializers.Sum(i => FieldSize(5, i.MessageSize));
        var header = model.Clone();
        header.Graph = null;
        if (header.CalculateSize() + FieldSize(7, graphSize) > MaxInlineBytes)
        {
            throw new InvalidOperationException($"{modelPath}: inline model would exceed protobuf's 2 GiB limit");
        }

        data.Flush();
        using var file = new FileStream(modelPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        WriteCoded(file, output =>
        {
            header.WriteTo(output);
            output.WriteTag(7, WireFormat.WireType.LengthDelimited);
            output.WriteLength((int)graphSize);
            graph.WriteTo(output);
        });
        var holes = new List<(long At, InlinePart Part)>();
        foreach (var part in initializers)
        {
            WriteInitializerHeader(file, part);
            if (part.Length >= 0)
            {
                holes.Add((file.Position, part));
                file.Seek(part.Length, SeekOrigin.Current);
            }
        }

        file.SetLength(file.Position);
        for (int i = holes.Count - 1; i >= 0; i--)
        {
            data.MoveTailTo(file, holes[i].At, holes[i].Part.Offset, holes[i].Part.Length);
        }
    }

    private static void WriteInitializerHeader(Stream file, InlinePart part) => WriteCoded(file, output =>
    {
        output.WriteTag(5, WireFormat.WireType.LengthDelimited);
        output.WriteLength((int)part.MessageSize);
        part.Metadata.WriteTo(output);
        if (part.Length >= 0)
        {
            output.WriteTag(9, WireFormat.WireType.LengthDelimited);
            output.WriteLength((int)part.Length);
        }
    });

    private static void WriteCoded(Stream stream, Action<CodedOutputStream> write)
    {
        using var output = new CodedOutputStream(stream, leaveOpen: true);
        write(output);
        output.Flush();
    }

    private static InlinePart InlineParts(TensorProto tensor)
    {
        if (tensor.DataLocation != TensorProto.Types.DataLocation.External)
        {
            return new InlinePart(tensor, -1, -1, tensor.CalculateSize());
        }

        var entries = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value);
        long offset = long.Parse(entries.GetValueOrDefault("offset", "0"), System.Globalization.CultureInfo.InvariantCulture);
        long length = long.Parse(entries["length"], System.Globalization.CultureInfo.InvariantCulture);
        var metadata = tensor.Clone();
        metadata.ExternalData.Clear();
        metadata.ClearDataLocation();
        long size = metadata.CalculateSize() + FieldSize(9, length);
        return new InlinePart(metadata, offset, length, size);
    }

    private static long FieldSize(int fieldNumber, long length) =>
        CodedOutputStream.ComputeTagSize(fieldNumber) + CodedOutputStream.ComputeLengthSize((int)Math.Min(length, int.MaxValue)) + length;

    private sealed record InlinePart(TensorProto Metadata, long Offset, long Length, long MessageSize);
}
