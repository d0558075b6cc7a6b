using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Fuzz.Tests;

/// <summary>
/// The committed fuzz inputs, uninstrumented: every seed and every input a fuzzer once crashed on (kept in
/// <c>tests/fuzz-corpus/TARGET-regressions</c>) is accepted or refused the way users are told, plus a seeded pass of
/// byte mutations over the seeds, so CI exercises the harnesses without AFL++.
/// </summary>
[TestClass]
public sealed class FuzzCorpusTests
{
    private const int MutationsPerSeed = 200;

    public static IEnumerable<object[]> Targets() => FuzzTargets.Names.Select(name => new object[] { name });

    [TestMethod]
    [DynamicData(nameof(Targets))]
    public void EverySeedAndRegressionInputIsHandled(string target)
    {
        var run = FuzzTargets.Create(target);
        var files = Inputs(target).Concat(Inputs($"{target}-regressions")).ToList();
        Assert.IsNotEmpty(Inputs(target), $"no seed corpus for {target}");
        foreach (string file in files)
        {
            Run(run, File.ReadAllBytes(file), file);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Targets))]
    public void SeededMutationsOfTheSeedsAreHandled(string target)
    {
        var run = FuzzTargets.Create(target);
        var random = new Random(20261207);
        foreach (string file in Inputs(target))
        {
            byte[] seed = File.ReadAllBytes(file);
            for (int i = 0; i < MutationsPerSeed; i++)
            {
                byte[] input = Mutate(seed, random);
                Run(run, input, $"{file} mutation {i} ({Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 64)))})");
            }
        }
    }

    private static void Run(Action<byte[]> run, byte[] input, string what)
    {
        try
        {
            run(input);
        }
        catch (Exception ex)
        {
            Assert.Fail($"{what}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>AFL's cheap havoc steps: flip, set to an interesting value, delete, duplicate, truncate.</summary>
    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        int steps = random.Next(1, 5);
        for (int s = 0; s < steps && bytes.Count > 0; s++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)new[] { 0, 0x7f, 0x80, 0xff, '"', '{', '[', '-', '9', '\\' }[random.Next(10)]; break;
                case 2: bytes.RemoveRange(at, Math.Min(random.Next(1, 16), bytes.Count - at)); break;
                case 3: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(random.Next(1, 16), bytes.Count - at))); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }

        return [.. bytes];
    }

    private static IEnumerable<string> Inputs(string folder)
    {
        string path = Path.Combine(RepoFixtures.RepoRoot, "tests", "fuzz-corpus", folder);
        return Directory.Exists(path) ? Directory.GetFiles(path).Order(StringComparer.Ordinal) : [];
    }
}
