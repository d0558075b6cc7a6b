using Qwen3Onnx.Runtime;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Session;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Server;

/// <summary>The exported model the server answers for, opened as in-process callers open it, under its public name.</summary>
public sealed class ServedModel : IDisposable
{
    private ServedModel(string name, Qwen3Model model, Qwen3Tokenizer tokenizer)
    {
        Name = name;
        Model = model;
        Tokenizer = tokenizer;
        DefaultSampling = model.DefaultSampling;
    }

    public string Name { get; }

    public Qwen3Model Model { get; }

    public Qwen3Session Session => Model.Session;

    public Qwen3Engine Engine => Model.Engine;

    public Qwen3Tokenizer Tokenizer { get; }

    public SamplingOptions DefaultSampling { get; }

    public int ContextLength => Model.ContextLength;

    /// <summary>Opens the model with an engine sized by the options' batch, queue and window, reporting to <paramref name="observer"/>.</summary>
    public static ServedModel Open(ServerOptions options, IEngineObserver? observer = null)
    {
        string folder = Path.GetFullPath(options.ModelFolder);
        // The manifest first: its errors say what the folder should be; a tokenizer error would mislead.
        _ = Models.Package.ExportManifest.ReadFolder(folder);
        var tokenizer = Qwen3Tokenizer.Load(folder, options.ChatTemplate);
        tokenizer.RequireRenderableChatTemplate();
        _ = Runtime.Constraints.TokenGrammar.WarmUpAsync(tokenizer);

        var engine = new EngineOptions
        {
            MaxBatch = options.MaxBatch,
            MaxQueue = options.MaxQueue,
            BatchWindow = options.BatchWindow,
            AfterStep = options.AfterStep,
            Observer = observer,
        };
        var model = Qwen3Model.Load(folder, tokenizer, options.Session, engine);
        string name = options.ModelName ?? Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        return new ServedModel(name, model, tokenizer);
    }

    public void Dispose() => Model.Dispose();
}
