using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Qwen3Onnx.GenAi.Tests;

/// <summary>
/// Token sequences handed to GenAI as they are. GenAI's managed API builds <see cref="Sequences"/> only from its own
/// tokenizer, and the fixtures have none; its C API takes ids directly, so the handle is made there and wrapped.
/// Sequences, not a flat pre-padded array, are how GenAI batches: it pads them itself and masks the padding, while
/// <c>AppendTokens</c> with a left-padded array attends to the pad ids (measured on 0.20.0).
/// </summary>
internal static partial class GenAiSequences
{
    private const string Library = "onnxruntime-genai";

    public static Sequences Of(IReadOnlyList<int[]> rows)
    {
        Check(OgaCreateSequences(out nint handle));
        var sequences = (Sequences)Activator.CreateInstance(
            typeof(Sequences), BindingFlags.NonPublic | BindingFlags.Instance, null, [handle], null)!;
        foreach (int[] row in rows)
        {
            Check(OgaAppendTokenSequence(row, (nuint)row.Length, handle));
        }

        return sequences;
    }

    private static void Check(nint result)
    {
        if (result != 0)
        {
            string message = Marshal.PtrToStringUTF8(OgaResultGetError(result)) ?? "unknown error";
            OgaDestroyResult(result);
            throw new InvalidOperationException($"ONNX Runtime GenAI: {message}");
        }
    }

    [LibraryImport(Library)]
    private static partial nint OgaCreateSequences(out nint sequences);

    [LibraryImport(Library)]
    private static partial nint OgaAppendTokenSequence([In] int[] tokens, nuint count, nint sequences);

    [LibraryImport(Library)]
    private static partial nint OgaResultGetError(nint result);

    [LibraryImport(Library)]
    private static partial void OgaDestroyResult(nint result);
}
