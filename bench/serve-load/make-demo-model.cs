#:project ../../src/Qwen3Onnx.Export/Qwen3Onnx.Export.csproj
#:project ../../src/Qwen3Onnx.Runtime/Qwen3Onnx.Runtime.csproj
#:project ../../tools/Qwen3Onnx.Demo/Qwen3Onnx.Demo.csproj
#:property PublishAot=false
#:property InvariantGlobalization=false

// Writes a small random-weight Qwen3 export with the demo tokenizer, for load tests that should measure the server,
// not a real checkpoint: dotnet run make-demo-model.cs -- OUT_FOLDER [hidden] [layers]
using Qwen3Onnx.Export;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Demo;

string output = args.Length > 0 ? args[0] : throw new ArgumentException("usage: make-demo-model.cs OUT_FOLDER [hidden] [layers]");
int hidden = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 256;
int layers = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 4;
var config = new Qwen3Config
{
    VocabSize = DemoTokenizerFiles.VocabularySize,
    HiddenSize = hidden,
    IntermediateSize = hidden * 3,
    NumHiddenLayers = layers,
    NumAttentionHeads = hidden / 32,
    NumKeyValueHeads = Math.Max(1, hidden / 128),
    HeadDim = 32,
    MaxPositionEmbeddings = 1024,
    TieWordEmbeddings = true,
    EosTokenIds = [DemoTokenizerFiles.BaseVocabularySize + 2, DemoTokenizerFiles.BaseVocabularySize],
};
Qwen3Exporter.Export(new ExportOptions { Config = config, SyntheticSeed = 1, OutputFolder = output, MaxSequenceLength = 1024 });
DemoTokenizerFiles.Write(output);
Console.WriteLine(output);
