namespace Qwen3Onnx.Cli.Demo;

/// <summary>What <c>qwen3-onnx run</c> says before running the demo model.</summary>
internal static class DemoNotice
{
    public static void Write(TextWriter writer, string folder)
    {
        writer.WriteLine($"note: no --model given, so this runs the built-in demo model ({folder}).");
        writer.WriteLine("      Its weights are random: the pipeline is real, the text is gibberish.");
        writer.WriteLine("      For a real model: qwen3-onnx export --model <hf folder or name> --out graphs/qwen3-0.6b-fp32");
        writer.WriteLine("      then:             qwen3-onnx run --model graphs/qwen3-0.6b-fp32");
    }
}
