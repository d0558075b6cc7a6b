using Qwen3Onnx.Runtime;

namespace Qwen3Onnx.Cli;

/// <summary>Writes streamed deltas, the thinking between <c>&lt;think&gt;</c> and <c>&lt;/think&gt;</c> lines.</summary>
internal sealed class AnswerPrinter(TextWriter output)
{
    private bool _inReasoning;

    public void Write(TextDelta delta)
    {
        if (delta.Text.Length == 0)
        {
            return;
        }

        if (delta.IsReasoning != _inReasoning)
        {
            output.Write(delta.IsReasoning ? "<think>\n" : "\n</think>\n\n");
            _inReasoning = delta.IsReasoning;
        }

        output.Write(delta.Text);
        output.Flush();
    }
}
