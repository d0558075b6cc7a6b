using Qwen3Onnx.Models;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Export.Tests;

/// <summary>An export writes only where it may and replaces only what an export wrote: a user's files always survive.</summary>
[TestClass]
public sealed class ExportOutputOwnershipTests
{
    [TestMethod]
    public void AUsersFileInAnEarlierExportFolderSurvivesAReExport()
    {
        string folder = ExportedFixtures.TempFolder("reexport");
        Export(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");

        Export(folder);

        Assert.AreEqual("mine", File.ReadAllText(Path.Combine(folder, "notes.txt")));
        Assert.IsTrue(File.Exists(Path.Combine(folder, "model.onnx")));
        Assert.IsEmpty(Siblings(folder));
    }

    [TestMethod]
    public void ANonEmptyFolderThatIsNotAnExportIsRefusedBeforeAnyWorkAndKeepsItsFiles()
    {
        string folder = ExportedFixtures.TempFolder("foreign");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "thesis.tex"), "years of work");

        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => Export(folder));

        StringAssert.Contains(error.Message, "not empty and not an earlier qwen3-onnx export");
        StringAssert.Contains(error.Message, "--force");
        CollectionAssert.AreEqual(new[] { "thesis.tex" }, Directory.GetFiles(folder).Select(Path.GetFileName).ToArray());
        Assert.IsEmpty(Siblings(folder));
    }

    [TestMethod]
    public void WithForceTheExportWritesBesideTheUsersFilesWithoutTouchingThem()
    {
        string folder = ExportedFixtures.TempFolder("forced");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "thesis.tex"), "years of work");

        Export(folder, force: true);
        Export(folder, force: true);

        Assert.AreEqual("years of work", File.ReadAllText(Path.Combine(folder, "thesis.tex")));
        Assert.IsTrue(File.Exists(Path.Combine(folder, "model.onnx")));
    }

    [TestMethod]
    public void EvenWithForceAFileNamedLikeOneOfOursThatNoExportWroteIsRefused()
    {
        string folder = ExportedFixtures.TempFolder("clash");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "model.onnx"), "someone else's model");

        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => Export(folder, force: true));

        StringAssert.Contains(error.Message, "model.onnx");
        Assert.AreEqual("someone else's model", File.ReadAllText(Path.Combine(folder, "model.onnx")));
    }

    [TestMethod]
    public void OutNamingAFileFailsAtOnceAndLeavesTheFile()
    {
        string file = ExportedFixtures.TempFolder("a-file");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "data");

        var error = Assert.ThrowsExactly<Qwen3OnnxException>(() => Export(file));

        StringAssert.Contains(error.Message, "names a file");
        Assert.AreEqual("data", File.ReadAllText(file));
    }

    [TestMethod]
    public void StagingFoldersOfDeadProcessesAreReclaimedAndALiveOnesStays()
    {
        string folder = ExportedFixtures.TempFolder("reclaim");
        string parent = Path.GetDirectoryName(folder)!;
        string name = Path.GetFileName(folder);
        string dead = Path.Combine(parent, $".{name}.partial-{int.MaxValue - 1}-0123");
        string live = Path.Combine(parent, $".{name}.partial-{Environment.ProcessId}-4567");
        Directory.CreateDirectory(dead);
        File.WriteAllText(Path.Combine(dead, "model.onnx.data"), "half a model");
        Directory.CreateDirectory(live);

        Export(folder);

        Assert.IsFalse(Directory.Exists(dead));
        Assert.IsTrue(Directory.Exists(live));
        Directory.Delete(live);
    }

    private static void Export(string folder, bool force = false) =>
        Qwen3Exporter.Export(new ExportOptions { SourceFolder = SharedFixtures.Model("tiny-qwen3"), OutputFolder = folder, Force = force });

    private static string[] Siblings(string folder) =>
        Directory.GetDirectories(Path.GetDirectoryName(folder)!, $".{Path.GetFileName(folder)}.partial-*");
}
