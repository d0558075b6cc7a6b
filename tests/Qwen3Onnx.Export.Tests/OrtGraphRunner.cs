using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Qwen3Onnx.Models.Package;

namespace Qwen3Onnx.Export.Tests;

/// <summary>Runs an exported graph with ONNX Runtime on CPU: full-prompt logits, and greedy decoding through the KV cache.</summary>
internal sealed class OrtGraphRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ExportManifest _manifest;

    public OrtGraphRunner(string exportFolder)
    {
        _manifest = ExportManifest.ReadFolder(exportFolder);
        _session = new InferenceSession(Path.Combine(exportFolder, _manifest.ModelFile));
    }

    public InferenceSession Session => _session;

    private int Layers => _manifest.Config.NumHiddenLayers;

    private int Vocab => _manifest.Config.VocabSize;

    /// <summary>Logits [seq][vocab] for one prompt with an empty past.</summary>
    public float[][] PromptLogits(long[] promptIds)
    {
        long[][] mask = [promptIds.Select(_ => 1L).ToArray()];
        using var step = Run([promptIds], mask, Positions(mask, promptIds.Length), EmptyPast(1));
        float[] logits = step.Outputs[0].GetTensorDataAsSpan<float>().ToArray();
        return logits.Chunk(Vocab).ToArray();
    }

    /// <summary>Prefill with an empty past, then one token per step feeding present → past; returns the new ids per row.</summary>
    public int[][] Greedy(long[][] inputIds, long[][] attentionMask, int steps) => GreedyWithLogits(inputIds, attentionMask, steps).Ids;

    /// <summary>
    /// As <see cref="Greedy"/>, also returning the logits [row][step][vocab] each new token was chosen from; with
    /// <paramref name="forced"/>, those tokens [row][step] are fed instead of the argmax (to compare two graphs on one sequence).
    /// </summary>
    public (int[][] Ids, float[][][] StepLogits) GreedyWithLogits(long[][] inputIds, long[][] attentionMask, int steps, int[][]? forced = null)
    {
        int batch = inputIds.Length;
        var mask = attentionMask.Select(r => r.ToList()).ToArray();
        var generated = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var stepLogits = Enumerable.Range(0, batch).Select(_ => new List<float[]>()).ToArray();
        var step = Run(inputIds, attentionMask, Positions(attentionMask, inputIds[0].Length), EmptyPast(batch));
        try
        {
            for (int i = 0; i < steps; i++)
            {
                var last = LastPositionLogits(step.Outputs[0], batch, step.SequenceLength);
                var next = forced is null ? last.Select(Argmax).ToArray() : forced.Select(row => (long)row[i]).ToArray();
                for (int b = 0; b < batch; b++)
                {
                    stepLogits[b].Add(last[b]);
                    generated[b].Add((int)next[b]);
                    mask[b].Add(1);
                }

                if (i == steps - 1)
                {
                    break;
                }

                long[][] maskArrays = mask.Select(r => r.ToArray()).ToArray();
                var previous = step;
                step = Run(next.Select(id => new[] { id }).ToArray(), maskArrays, Positions(maskArrays, 1), previous.Outputs.Skip(1).ToList());
                previous.Dispose();
            }
        }
        finally
        {
            step.Dispose();
        }

        return (generated.Select(g => g.ToArray()).ToArray(), stepLogits.Select(s => s.ToArray()).ToArray());
    }

    public void Dispose() => _session.Dispose();

    /// <summary>position = cumsum(mask) − 1 clamped at 0, for the last <paramref name="count"/> positions.</summary>
    private static long[][] Positions(long[][] mask, int count) =>
        mask.Select(row =>
        {
            long running = 0;
            var all = row.Select(m => Math.Max(0, (running += m) - 1)).ToArray();
            return all[^count..];
        }).ToArray();

    private static float[][] LastPositionLogits(OrtValue logits, int batch, int sequence)
    {
        var data = logits.GetTensorDataAsSpan<float>();
        int vocab = data.Length / (batch * sequence);
        var rows = new float[batch][];
        for (int b = 0; b < batch; b++)
        {
            rows[b] = data.Slice(((b * sequence) + sequence - 1) * vocab, vocab).ToArray();
        }

        return rows;
    }

    private static long Argmax(float[] row)
    {
        int best = 0;
        for (int v = 1; v < row.Length; v++)
        {
            best = row[v] > row[best] ? v : best;
        }

        return best;
    }

    private List<OrtValue> EmptyPast(int batch)
    {
        var type = _manifest.KvDType == "float16" ? TensorElementType.Float16 : TensorElementType.Float;
        long[] shape = [batch, _manifest.Config.NumKeyValueHeads, 0, _manifest.Config.HeadDim];
        return Enumerable.Range(0, 2 * Layers).Select(_ => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, shape)).ToList();
    }

    private StepResult Run(long[][] inputIds, long[][] mask, long[][] positions, IReadOnlyList<OrtValue> past)
    {
        var owned = new List<OrtValue> { Tensor(inputIds), Tensor(mask), Tensor(positions) };
        var inputs = owned.Concat(past).ToList();
        var outputs = _session.Run(new RunOptions(), GraphIoNames.Inputs(Layers), inputs, GraphIoNames.Outputs(Layers));
        owned.ForEach(v => v.Dispose());
        if (past.Count > 0 && past[0].GetTensorTypeAndShape().Shape[2] == 0)
        {
            past.ToList().ForEach(v => v.Dispose());
        }

        return new StepResult(outputs, inputIds[0].Length);
    }

    private static OrtValue Tensor(long[][] rows) =>
        OrtValue.CreateTensorValueFromMemory(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    private sealed record StepResult(IDisposableReadOnlyCollection<OrtValue> Outputs, int SequenceLength) : IDisposable
    {
        public void Dispose() => Outputs.Dispose();
    }
}
