using System.Text.Json;

namespace Qwen3Onnx.Models.Weights;

/// <summary>
/// An HF checkpoint folder's weights: <c>model.safetensors</c>, or the shards named by
/// <c>model.safetensors.index.json</c>. Tensors are looked up by their HF names.
/// </summary>
public sealed class Checkpoint : IWeightSource
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsFile> _byTensor;

    private Checkpoint(string folder, List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> byTensor)
    {
        Folder = folder;
        _files = files;
        _byTensor = byTensor;
    }

    public string Folder { get; }

    public string Description => Folder;

    public IReadOnlyCollection<string> TensorNames => _byTensor.Keys;

    public static Checkpoint Open(string folder)
    {
        var files = new List<SafetensorsFile>();
        try
        {
            string index = System.IO.Path.Combine(folder, IndexFileName);
            string single = System.IO.Path.Combine(folder, SingleFileName);
            var byTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            if (File.Exists(index))
            {
                var weightMap = ReadIndex(index);
                var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
                foreach (var (tensor, shardName) in weightMap)
                {
                    if (!shards.TryGetValue(shardName, out var shard))
                    {
                        string shardPath = System.IO.Path.Combine(folder, shardName);
                        if (!File.Exists(shardPath))
                        {
                            throw new Qwen3OnnxException($"{index}: shard '{shardName}' (holding tensor '{tensor}') not found");
                        }

                        shard = SafetensorsFile.Open(shardPath);
                        files.Add(shard);
                        shards[shardName] = shard;
                    }

                    if (!shard.Contains(tensor))
                    {
                        throw new Qwen3OnnxException($"{shard.Path}: tensor '{tensor}' listed in {IndexFileName} is not in the shard");
                    }

                    byTensor[tensor] = shard;
                }
            }
            else if (File.Exists(single))
            {
                var file = SafetensorsFile.Open(single);
                files.Add(file);
                foreach (string name in file.TensorNames)
                {
                    byTensor[name] = file;
                }
            }
            else
            {
                throw new Qwen3OnnxException($"{folder}: no {SingleFileName} or {IndexFileName} found");
            }

            return new Checkpoint(folder, files, byTensor);
        }
        catch
        {
            files.ForEach(f => f.Dispose());
            throw;
        }
    }

    public bool Contains(string name) => _byTensor.ContainsKey(name);

    public TensorInfo GetInfo(string name) => Find(name).GetInfo(name);

    public void ReadFloat32(string name, long elementOffset, Span<float> destination) =>
        Find(name).ReadFloat32(name, elementOffset, destination);

    public void Dispose() => _files.ForEach(f => f.Dispose());

    private SafetensorsFile Find(string name) =>
        _byTensor.TryGetValue(name, out var file)
            ? file
            : throw new Qwen3OnnxException($"{Folder}: missing tensor '{name}'");

    private static Dictionary<string, string> ReadIndex(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new Qwen3OnnxException($"{path}: missing required field 'weight_map'");
            }

            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                {
                    throw new Qwen3OnnxException($"{path}: field 'weight_map.{entry.Name}' must be a file name");
                }

                string shard = entry.Value.GetString()!;
                if (shard.Contains('/') || shard.Contains('\\') || shard.Contains(".."))
                {
                    throw new Qwen3OnnxException($"{path}: field 'weight_map.{entry.Name}' names '{shard}' outside the folder");
                }

                result[entry.Name] = shard;
            }

            return result;
        }
        catch (JsonException ex)
        {
            throw new Qwen3OnnxException($"{path}: malformed index JSON, cannot read 'weight_map' ({ex.Message})", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Qwen3OnnxException($"{path}: cannot read index ({ex.Message})", ex);
        }
    }
}
