using Qwen3Onnx.Export.Package;
using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests;

/// <summary>An export that cannot fit is refused before any work, and the estimate never refuses one that would fit.</summary>
[TestClass]
public sealed class DiskSpaceTests
{
    [TestMethod]
    [DataRow("tiny-qwen3", ExportDType.Fp32)]
    [DataRow("tiny-qwen3", ExportDType.Fp16)]
    [DataRow("tiny-qwen3-untied-sharded", ExportDType.Bf16)]
    [DataRow("tiny-qwen3-moe", ExportDType.Int8)]
    [DataRow("tiny-qwen3-moe", ExportDType.Int4)]
    [DataRow("tiny-qwen3-untied-sharded", ExportDType.Int4)]
    public void TheEstimateIsAtMostWhatTheExportWrites(string model, ExportDType dtype)
    {
        string folder = ExportedFixtures.Folder(model, dtype);
        long written = Directory.GetFiles(folder).Sum(file => new FileInfo(file).Length);
        var config = Qwen3ConfigReader.ReadFile(Path.Combine(SharedFixtures.Model(model), "config.json"));

        long estimate = DiskSpace.LowerBound(config, dtype);

        Assert.IsLessThanOrEqualTo(written, estimate);
        Assert.IsGreaterThan(written / 4, estimate, "an estimate this low would not protect anyone");
    }

    [TestMethod]
    public void TooLittleFreeSpaceIsRefusedWithOneLineNamingTheFolderAndBothSizes()
    {
        string folder = ExportedFixtures.TempFolder("full-disk");

        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => DiskSpace.Require(folder, 8_000_000_000, _ => 1_500_000_000));

        Assert.AreEqual($"{folder}: the export needs at least 8.00 GB and only 1.50 GB is free there; free some space or choose another --out", error.Message);
        Assert.IsFalse(Directory.Exists(folder));
    }

    [TestMethod]
    public void TheCheckLooksAtTheNearestFolderThatExists()
    {
        string parent = ExportedFixtures.TempFolder("disk-parent");
        Directory.CreateDirectory(parent);
        string asked = "";

        DiskSpace.Require(Path.Combine(parent, "not", "yet", "there"), 1, path =>
        {
            asked = path;
            return long.MaxValue;
        });

        Assert.AreEqual(Path.GetFullPath(parent), asked);
    }

    [TestMethod]
    public void ThisFileSystemReportsFreeSpace() => DiskSpace.Require(Path.GetTempPath(), 1);
}
