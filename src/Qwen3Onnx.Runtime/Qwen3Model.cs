using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Package;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Session;
using Qwen3Onnx.Runtime.Text;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Runtime;

/// <summary>
/// An export folder opened for generation: the ONNX Runtime session plus, when the export carries
/// <c>tokenizer.json</c>, the tokenizer. Text prompts are rendered with the chat template as one user turn;
/// id prompts are fed as they are. Every call goes through the model's <see cref="Engine"/>: calls made at the same
/// time decode together in its running batch.
/// </summary>
public sealed class Qwen3Model : IDisposable
{
    private Qwen3Model(Qwen3Session session, Qwen3Tokenizer? tokenizer, EngineOptions? engine)
    {
        Session = session;
        Tokenizer = tokenizer;
        Engine = new Qwen3Engine(session, engine);
    }

    public Qwen3Session Session { get; }

    /// <summary>The decode loop every generation of this model runs on (also for callers that submit token rows themselves).</summary>
    public Qwen3Engine Engine { get; }

    /// <summary>Null when the export has no tokenizer files: then only the id APIs work.</summary>
    public Qwen3Tokenizer? Tokenizer { get; }

    public ExportManifest Manifest => Session.Manifest;

    /// <summary>The export folder's name.</summary>
    public string ModelId => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(Session.Folder)));

    /// <summary>Largest prompt + new tokens.</summary>
    public int ContextLength => Session.MaxSequenceLength;

    /// <summary>The export's generation defaults; ids past the tokenizer's vocabulary (embedding padding) are never sampled.</summary>
    public SamplingOptions DefaultSampling => SamplingOptions.FromGenerationDefaults(Manifest.Generation, PaddingIdsFrom);

    private int? PaddingIdsFrom => Tokenizer is { } tokenizer && tokenizer.VocabularySize < Session.VocabSize ? tokenizer.VocabularySize : null;

    /// <param name="chatTemplate">Which chat template conversations render with (see <see cref="ChatTemplateChoice"/>).</param>
    /// <param name="engine">How many rows the engine batches and queues (in-process defaults when null).</param>
    public static Qwen3Model Load(string folder, SessionSettings? settings = null, ChatTemplateChoice chatTemplate = ChatTemplateChoice.Checkpoint, EngineOptions? engine = null)
    {
        // The tokenizer before the session: its errors come in a moment, a big session takes a while to open.
        bool hasTokenizer = File.Exists(Path.Combine(folder, Qwen3Tokenizer.TokenizerFileName));
        return Open(folder, settings, hasTokenizer ? Qwen3Tokenizer.Load(folder, chatTemplate) : null, engine);
    }

    /// <summary>The export with a tokenizer loaded (and checked) by the caller, e.g. from another folder.</summary>
    public static Qwen3Model Load(string folder, Qwen3Tokenizer tokenizer, SessionSettings? settings = null, EngineOptions? engine = null) =>
        Open(folder, settings, tokenizer, engine);

    private static Qwen3Model Open(string folder, SessionSettings? settings, Qwen3Tokenizer? tokenizer, EngineOptions? engine) =>
        new(Qwen3Session.Open(folder, settings), tokenizer, engine);

    /// <summary>A text prompt as the chat template renders one user turn, ready for the model to answer.</summary>
    public int[] EncodePrompt(string prompt, bool enableThinking = true) =>
        EncodeChat([new ChatMessage(ChatMessageRole.User, prompt)], enableThinking);

    public int[] EncodeChat(IReadOnlyList<ChatMessage> messages, bool enableThinking = true, IReadOnlyList<ChatTool>? tools = null) =>
        RequireTokenizer().EncodeChat(messages, new ChatTemplateOptions { EnableThinking = enableThinking, Tools = tools ?? [] });

    public GenerationResult Generate(IReadOnlyList<int> promptIds, GenerationOptions? options = null, CancellationToken cancellation = default) =>
        GenerateBatch([promptIds], options, cancellation)[0];

    public GenerationResult Generate(string prompt, GenerationOptions? options = null, CancellationToken cancellation = default) =>
        Generate(EncodePrompt(prompt, (options ?? new()).EnableThinking), options, cancellation);

    public Task<GenerationResult> GenerateAsync(IReadOnlyList<int> promptIds, GenerationOptions? options = null, CancellationToken cancellation = default) =>
        Task.Run(() => Generate(promptIds, options, cancellation), cancellation);

    public Task<GenerationResult> GenerateAsync(string prompt, GenerationOptions? options = null, CancellationToken cancellation = default) =>
        Task.Run(() => Generate(prompt, options, cancellation), cancellation);

    /// <summary>Several prompts decoded together (left-padded); results in prompt order.</summary>
    public IReadOnlyList<GenerationResult> GenerateBatch(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions? options = null, CancellationToken cancellation = default) =>
        Run(prompts, options ?? new GenerationOptions(), sink: null, cancellation);

    public IReadOnlyList<GenerationResult> GenerateBatch(IReadOnlyList<string> prompts, GenerationOptions? options = null, CancellationToken cancellation = default) =>
        GenerateBatch([.. prompts.Select(prompt => (IReadOnlyList<int>)EncodePrompt(prompt, (options ?? new()).EnableThinking))], options, cancellation);

    public IAsyncEnumerable<TextDelta> GenerateStreamingAsync(string prompt, GenerationOptions? options = null, CancellationToken cancellation = default) =>
        GenerateStreamingAsync(EncodePrompt(prompt, (options ?? new()).EnableThinking), options, cancellation);

    /// <summary>
    /// Streams text as it is generated, the last delta carrying the <see cref="GenerationResult"/>. Steps run on a
    /// pool thread; cancelling aborts the step in flight and the enumeration throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public async IAsyncEnumerable<TextDelta> GenerateStreamingAsync(
        IReadOnlyList<int> promptIds, GenerationOptions? options = null, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        options ??= new GenerationOptions();
        var channel = Channel.CreateUnbounded<TextDelta>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var producer = Task.Run(() => Produce(promptIds, options, channel.Writer, stop.Token), CancellationToken.None);
        bool finished = false;
        try
        {
            await foreach (var delta in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return delta;
                // A caller that cancelled while holding a delta gets no more, even if the rest was already produced.
                cancellation.ThrowIfCancellationRequested();
            }

            finished = true;
        }
        finally
        {
            if (!finished)
            {
                // The caller stopped reading: end the generation and wait for the step in flight.
                stop.Cancel();
                await producer.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
        }

        await producer.ConfigureAwait(false);
    }

    public void Dispose()
    {
        Engine.Dispose();
        Session.Dispose();
    }

    internal SamplingOptions ResolveSampling(SamplingOptions? sampling) =>
        sampling is null ? DefaultSampling : sampling with { MaskedIdsFrom = sampling.MaskedIdsFrom ?? PaddingIdsFrom };

    /// <summary>The tokenizer, or a one-line error saying the export has none.</summary>
    public Qwen3Tokenizer RequireTokenizer() => Tokenizer
        ?? throw new Qwen3OnnxException($"{Session.Folder}: the export has no tokenizer.json, so only token-id prompts work (re-export from a folder with the tokenizer files)");

    private void Produce(IReadOnlyList<int> promptIds, GenerationOptions options, ChannelWriter<TextDelta> writer, CancellationToken cancellation)
    {
        try
        {
            var result = Run([promptIds], options, delta => writer.TryWrite(delta), cancellation)[0];
            writer.TryWrite(new TextDelta("", IsReasoning: false) { Result = result });
        }
        finally
        {
            writer.Complete();
        }
    }

    private GenerationResult[] Run(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options, Action<TextDelta>? sink, CancellationToken cancellation)
    {
        if (prompts.Count == 0 || prompts.Any(prompt => prompt.Count == 0))
        {
            throw new Qwen3OnnxException("a prompt needs at least one token");
        }

        var job = new GenerationJob(Engine, Tokenizer, prompts, options, ResolveSampling(options.Sampling), sink);
        return GenerationLoop.Run(job, cancellation);
    }
}
