using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Models.Tests;

/// <summary>Small checkpoints written with <see cref="SafetensorsWriter"/>, for cases the fixtures do not cover.</summary>
internal static class TestCheckpoints
{
    public static Qwen3Config TinyConfig() =>
        Qwen3ConfigReader.ReadFile(Path.Combine(SharedFixtures.Model("tiny-qwen3"), "config.json"));

    /// <summary>
    /// Writes <c>model.safetensors</c> holding every tensor the config expects (seeded values, bf16),
    /// after <paramref name="edit"/> had its say: it may drop a tensor (null) or change its shape.
    /// </summary>
    public static void WriteSingleFile(string folder, Qwen3Config config, Func<string, long[], long[]?>? edit = null)
    {
        var tensors = new List<(TensorInfo, float[])>();
        foreach (var (name, shape) in Qwen3WeightNames.Expected(config))
        {
            long[]? actual = edit is null ? shape : edit(name, shape);
            if (actual is not null)
            {
                var info = new TensorInfo(name, TensorDType.BFloat16, actual);
                tensors.Add((info, Values(name, info.ElementCount)));
            }
        }

        SafetensorsWriter.WriteFile(Path.Combine(folder, Checkpoint.SingleFileName), tensors);
    }

    /// <summary>One small F32 shard holding the named [2] tensors.</summary>
    public static void WriteShard(string path, params string[] names) =>
        SafetensorsWriter.WriteFile(path, names.Select(n => (new TensorInfo(n, TensorDType.Float32, [2]), new[] { 1f, 2f })));

    private static float[] Values(string name, long count) =>
        Enumerable.Range(0, (int)count).Select(i => ((i + name.Length) % 17) / 16f).ToArray();
}
