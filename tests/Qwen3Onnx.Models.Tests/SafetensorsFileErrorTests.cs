using System.Buffers.Binary;
using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Models.Tests;

[TestClass]
public sealed class SafetensorsFileErrorTests
{
    private const string OneTensor = """{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}""";

    [TestMethod]
    public void FileShorterThanTheLengthPrefixIsTruncated()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "truncated");
        StringAssert.Contains(ex.Message, "header length");
    }

    [TestMethod]
    public void DataSectionCutShortNamesTheTensorWhoseOffsetsRunPastTheEnd()
    {
        using var folder = new TempFolder();
        string path = RawSafetensors.Write(folder, OneTensor, dataBytes: 20);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "'w'");
        StringAssert.Contains(ex.Message, "data_offsets");
    }

    [TestMethod]
    public void HeaderLengthPastEndOfFileIsRejected()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        byte[] bytes = RawSafetensors.Build(OneTensor, dataBytes: 24);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)bytes.Length);
        File.WriteAllBytes(path, bytes);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "header length");
        StringAssert.Contains(ex.Message, "past the end");
    }

    [TestMethod]
    public void HugeHeaderLengthDoesNotOverflowIntoAcceptance()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        byte[] bytes = RawSafetensors.Build(OneTensor, dataBytes: 24);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        File.WriteAllBytes(path, bytes);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "header length");
    }

    [TestMethod]
    public void MalformedHeaderJsonNamesTheHeader()
    {
        using var folder = new TempFolder();
        string path = RawSafetensors.Write(folder, """{"w":{"dtype":"F32",""", dataBytes: 24);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "header JSON");
    }

    [TestMethod]
    public void HeaderThatIsNotAnObjectIsRejected()
    {
        using var folder = new TempFolder();
        string path = RawSafetensors.Write(folder, "[1, 2]", dataBytes: 0);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "header");
    }

    [TestMethod]
    [DataRow("[-8,16]", DisplayName = "negative begin")]
    [DataRow("[24,0]", DisplayName = "end before begin")]
    [DataRow("[8,32]", DisplayName = "end past the data")]
    public void OutOfRangeDataOffsetsNameTheTensor(string offsets)
    {
        using var folder = new TempFolder();
        string header = $$$"""{"w":{"dtype":"F32","shape":[2,3],"data_offsets":{{{offsets}}}}}""";
        string path = RawSafetensors.Write(folder, header, dataBytes: 24);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "'w'");
        StringAssert.Contains(ex.Message, "data_offsets");
    }

    [TestMethod]
    [DataRow("""["0",24]""", DisplayName = "string offset")]
    [DataRow("[0]", DisplayName = "one offset")]
    [DataRow("[0,24.5]", DisplayName = "fractional offset")]
    public void NonIntegerDataOffsetsNameTheTensor(string offsets)
    {
        using var folder = new TempFolder();
        string header = $$$"""{"w":{"dtype":"F32","shape":[2,3],"data_offsets":{{{offsets}}}}}""";
        string path = RawSafetensors.Write(folder, header, dataBytes: 24);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "'w'");
        StringAssert.Contains(ex.Message, "data_offsets");
    }

    [TestMethod]
    public void OverlappingDataOffsetsNameBothTensors()
    {
        using var folder = new TempFolder();
        const string header = """
            {"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},
             "b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}
            """;
        string path = RawSafetensors.Write(folder, header, dataBytes: 24);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "'a'");
        StringAssert.Contains(ex.Message, "'b'");
        StringAssert.Contains(ex.Message, "overlapping data_offsets");
    }

    [TestMethod]
    [DataRow("I8", 6)]
    [DataRow("F64", 48)]
    [DataRow("F8_E4M3", 6)]
    public void UnknownDtypeNamesTheTensorAndTheDtype(string dtype, int bytes)
    {
        using var folder = new TempFolder();
        string header = $$$"""{"w":{"dtype":"{{{dtype}}}","shape":[2,3],"data_offsets":[0,{{{bytes}}}]}}""";
        string path = RawSafetensors.Write(folder, header, dataBytes: bytes);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "'w'");
        StringAssert.Contains(ex.Message, $"dtype '{dtype}'");
    }

    [TestMethod]
    public void OffsetsSizeDisagreeingWithDtypeTimesShapeNamesTheTensor()
    {
        using var folder = new TempFolder();
        // BF16 [2,3] is 12 bytes, not 24.
        string path = RawSafetensors.Write(folder, """{"w":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,24]}}""", dataBytes: 24);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "'w'");
        StringAssert.Contains(ex.Message, "needs 12");
    }

    [TestMethod]
    public void ShapeWhoseSizeOverflowsIsRejectedNotWrappedToZero()
    {
        using var folder = new TempFolder();
        // 2^32 × 2^32 elements wraps to 0 in unchecked 64-bit arithmetic.
        const string header = """{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}""";
        string path = RawSafetensors.Write(folder, header, dataBytes: 0);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "'w'");
        StringAssert.Contains(ex.Message, "too large");
    }

    [TestMethod]
    public void NegativeShapeDimensionNamesTheTensor()
    {
        using var folder = new TempFolder();
        string path = RawSafetensors.Write(folder, """{"w":{"dtype":"F32","shape":[-1,3],"data_offsets":[0,0]}}""", dataBytes: 0);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "'w'");
        StringAssert.Contains(ex.Message, "shape");
    }

    [TestMethod]
    public void EntryWithoutDtypeNamesTheTensor()
    {
        using var folder = new TempFolder();
        string path = RawSafetensors.Write(folder, """{"w":{"shape":[2,3],"data_offsets":[0,24]}}""", dataBytes: 24);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "'w'");
        StringAssert.Contains(ex.Message, "'dtype'");
    }

    [TestMethod]
    public void TensorListedTwiceInTheHeaderIsRejected()
    {
        using var folder = new TempFolder();
        const string header = """
            {"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}
            """;
        string path = RawSafetensors.Write(folder, header, dataBytes: 16);

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "'w'");
        StringAssert.Contains(ex.Message, "twice");
    }

    [TestMethod]
    public void MissingFileIsReportedAsNotFound()
    {
        using var folder = new TempFolder();
        string path = folder.File("absent.safetensors");

        var ex = Assert.ThrowsExactly<Qwen3OnnxException>(() => SafetensorsFile.Open(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "not found");
    }

    [TestMethod]
    public void MissingTensorNamesFileAndTensorOnGetInfoAndRead()
    {
        using var folder = new TempFolder();
        string path = RawSafetensors.Write(folder, OneTensor, dataBytes: 24);
        using var file = SafetensorsFile.Open(path);

        var info = Assert.ThrowsExactly<Qwen3OnnxException>(() => file.GetInfo("absent"));
        var read = Assert.ThrowsExactly<Qwen3OnnxException>(() => file.ReadFloat32("absent", 0, new float[1]));

        foreach (var ex in new[] { info, read })
        {
            StringAssert.Contains(ex.Message, path);
            StringAssert.Contains(ex.Message, "'absent'");
        }
    }

    [TestMethod]
    public void MetadataAndSpacePaddedHeaderAreAccepted()
    {
        using var folder = new TempFolder();
        string header = """{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}""" + "      ";
        string path = RawSafetensors.Write(folder, header, dataBytes: 24);

        using var file = SafetensorsFile.Open(path);

        CollectionAssert.AreEqual(new[] { "w" }, file.TensorNames.ToArray());
        CollectionAssert.AreEqual(new long[] { 2, 3 }, file.GetInfo("w").Shape.ToArray());
    }
}
