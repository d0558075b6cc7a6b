using Qwen3Onnx.Onnx.Proto;

namespace Qwen3Onnx.Export.Tests;

/// <summary>Reads an exported model.onnx back as protobuf (weights inline or external, the graph is what matters).</summary>
internal static class OnnxModels
{
    public static ModelProto Read(string exportFolder)
    {
        using var file = File.OpenRead(Path.Combine(exportFolder, Qwen3Exporter.ModelFileName));
        return ModelProto.Parser.ParseFrom(file);
    }

    public static TensorProto Initializer(ModelProto model, string name) => model.Graph.Initializer.Single(i => i.Name == name);
}
