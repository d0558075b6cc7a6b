using Qwen3Onnx.Fuzz;
using SharpFuzz;

// qwen3-onnx-fuzz TARGET                   the AFL++ loop (under afl-fuzz, libraries instrumented by scripts/fuzz.sh)
// qwen3-onnx-fuzz TARGET --replay FILE...  each file once; a finding prints its file and exception and exits 1
if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: qwen3-onnx-fuzz {string.Join('|', FuzzTargets.Names)} [--replay FILE...]");
    return 2;
}

if (args.Length > 1 && args[1] == "--replay")
{
    var target = FuzzTargets.Create(args[0]);
    int findings = 0;
    foreach (string file in args.Skip(2))
    {
        try
        {
            target(File.ReadAllBytes(file));
        }
        catch (Exception ex)
        {
            findings++;
            Console.Error.WriteLine($"{file}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    return findings == 0 ? 0 : 1;
}

// Instrumented code may run only inside the loop, where SharpFuzz has mapped AFL's coverage memory, so the target
// (tokenizer, served model) is opened on the first input.
Action<byte[]>? fuzzed = null;
Fuzzer.Run(stream =>
{
    fuzzed ??= FuzzTargets.Create(args[0]);
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    fuzzed(buffer.ToArray());
});
return 0;
