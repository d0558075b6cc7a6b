using System.Buffers.Binary;
using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Models.Tests;

[TestClass]
public sealed class SafetensorsWriterTests
{
    [TestMethod]
    public void WrittenFileReadsBackInEveryDtype()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        // Values exactly representable in bf16 and f16, so every dtype must round-trip them unchanged.
        float[] values = [0f, 1f, -2.5f, 0.125f, 3f, -0.75f];
        var tensors = new[] { TensorDType.Float32, TensorDType.Float16, TensorDType.BFloat16 }
            .Select(d => (new TensorInfo(d.ToString(), d, [2, 3]), values));

        SafetensorsWriter.WriteFile(path, tensors);

        using var file = SafetensorsFile.Open(path);
        foreach (var dtype in new[] { TensorDType.Float32, TensorDType.Float16, TensorDType.BFloat16 })
        {
            var read = new float[6];
            file.ReadFloat32(dtype.ToString(), 0, read);
            CollectionAssert.AreEqual(values, read, dtype.ToString());
            Assert.AreEqual(dtype, file.GetInfo(dtype.ToString()).DType);
        }
    }

    [TestMethod]
    public void HeaderIsSpacePaddedSoDataStartsOnAnEightByteBoundary()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");

        SafetensorsWriter.WriteFile(path, [(new TensorInfo("x", TensorDType.BFloat16, [3]), new[] { 1f, 2f, 3f })]);

        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.AreEqual(0, (8 + headerLength) % 8);
        Assert.AreEqual(8 + headerLength + 6, bytes.Length);
        Assert.AreEqual((byte)'}', bytes[8..(int)(8 + headerLength)].Reverse().First(b => b != (byte)' '));
    }

    [TestMethod]
    public void DataMayArriveInChunks()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        float[] values = Enumerable.Range(0, 40_000).Select(i => (float)(i % 256)).ToArray();

        using (var writer = SafetensorsWriter.Create(path, [new TensorInfo("a", TensorDType.BFloat16, [200, 200]), new TensorInfo("b", TensorDType.Float32, [1])]))
        {
            writer.WriteFloat32("a", values.AsSpan(0, 12_345));
            writer.WriteFloat32("a", values.AsSpan(12_345));
            writer.WriteFloat32("b", [7f]);
            writer.Commit();
        }

        using var file = SafetensorsFile.Open(path);
        var read = new float[40_000];
        file.ReadFloat32("a", 0, read);
        CollectionAssert.AreEqual(values, read);
    }

    [TestMethod]
    public void AbandonedWriteLeavesNoFileBehind()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");

        using (var writer = SafetensorsWriter.Create(path, [new TensorInfo("a", TensorDType.Float32, [4])]))
        {
            writer.WriteFloat32("a", [1f, 2f]);
        }

        Assert.IsEmpty(Directory.GetFileSystemEntries(folder.Path));
    }

    [TestMethod]
    public void CommitWithMissingDataNamesTheTensorAndKeepsTheOldFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        File.WriteAllText(path, "previous");

        using var writer = SafetensorsWriter.Create(path, [new TensorInfo("a", TensorDType.Float32, [4])]);
        writer.WriteFloat32("a", [1f]);

        var ex = Assert.ThrowsExactly<InvalidOperationException>(writer.Commit);
        StringAssert.Contains(ex.Message, "'a'");
        Assert.AreEqual("previous", File.ReadAllText(path));
    }

    [TestMethod]
    public void DataForTensorsOutOfDeclarationOrderIsRefused()
    {
        using var folder = new TempFolder();
        using var writer = SafetensorsWriter.Create(folder.File("m.safetensors"), [new TensorInfo("a", TensorDType.Float32, [1]), new TensorInfo("b", TensorDType.Float32, [1])]);

        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => writer.WriteFloat32("b", [1f]));

        StringAssert.Contains(ex.Message, "'b'");
        StringAssert.Contains(ex.Message, "'a'");
    }

    [TestMethod]
    public void MoreDataThanTheShapeHoldsIsRefused()
    {
        using var folder = new TempFolder();
        using var writer = SafetensorsWriter.Create(folder.File("m.safetensors"), [new TensorInfo("a", TensorDType.BFloat16, [2])]);

        Assert.ThrowsExactly<InvalidOperationException>(() => writer.WriteFloat32("a", [1f, 2f, 3f]));
    }

    [TestMethod]
    public void EmptyTensorsAndMetadataRoundTrip()
    {
        using var folder = new TempFolder();
        string path = folder.File("m.safetensors");
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };

        using (var writer = SafetensorsWriter.Create(path, [new TensorInfo("empty", TensorDType.Float32, [0, 4]), new TensorInfo("one", TensorDType.Float16, [1])], metadata))
        {
            writer.WriteFloat32("empty", []);
            writer.WriteFloat32("one", [0.5f]);
            writer.Commit();
        }

        using var file = SafetensorsFile.Open(path);
        CollectionAssert.AreEquivalent(new[] { "empty", "one" }, file.TensorNames.ToArray());
        var one = new float[1];
        file.ReadFloat32("one", 0, one);
        Assert.AreEqual(0.5f, one[0]);
    }
}
