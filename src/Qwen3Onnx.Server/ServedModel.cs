using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Session;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Server;

/// <summary>The exported model the server answers for: its session, tokenizer, public name and default sampling.</summary>
public sealed class ServedModel : IDisposable
{
    private ServedModel(string name, Qwen3Session session, Qwen3Tokenizer tokenizer)
    {
        Name = name;
        Session = session;
        Tokenizer = tokenizer;
        int maskFrom = tokenizer.VocabularySize < session.VocabSize ? tokenizer.VocabularySize : session.VocabSize;
        DefaultSampling = SamplingOptions.FromGenerationDefaults(session.Manifest.Generation, maskFrom);
    }

    public string Name { get; }

    public Qwen3Session Session { get; }

    public Qwen3Tokenizer Tokenizer { get; }

    public SamplingOptions DefaultSampling { get; }

    public int ContextLength => Session.MaxSequenceLength;


    public static ServedModel Open(ServerOptions options)
    {
        string folder = Path.GetFullPath(options.ModelFolder);
        // The manifest first: its errors say what the folder should be; a tokenizer error would mislead.
        _ = Models.Package.ExportManifest.ReadFolder(folder);
        var tokenizer = Qwen3Tokenizer.Load(folder, options.ChatTemplate);
        tokenizer.RequireRenderableChatTemplate();
        _ = Runtime.Constraints.TokenGrammar.WarmUpAsync(tokenizer);

        var session = Qwen3Session.Open(folder, options.Session);
        string name = options.ModelName ?? Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        return new ServedModel(name, session, tokenizer);
    }

    public void Dispose() => Session.Dispose();
}
