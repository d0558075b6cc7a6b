using System.Text;
using Microsoft.AspNetCore.Http;
using Qwen3Onnx.Export;
using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;
using Qwen3Onnx.Runtime.Tokenization;
using Qwen3Onnx.Server;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Fuzz;

/// <summary>
/// What each harness feeds its input to. A target returns normally for input it accepts or refuses the way users are
/// told (a <see cref="Qwen3OnnxException"/>, a 4xx <see cref="ApiException"/>); any other exception is a finding.
/// </summary>
public static class FuzzTargets
{
    public static IReadOnlyList<string> Names { get; } = ["safetensors", "config", "tokenizer-decode", "chat-request", "json-schema"];

    /// <summary>Opens what the target needs once (a scratch folder, the tokenizer, a tiny served model).</summary>
    public static Action<byte[]> Create(string name) => name switch
    {
        "safetensors" => Safetensors(ScratchFile("model.safetensors")),
        "config" => Config(ScratchFile("config.json")),
        "tokenizer-decode" => TokenizerDecode(Qwen3Tokenizer.Load(RealTokenizer.Folder)),
        "chat-request" => ChatRequest(TinyServedModel()),
        "json-schema" => JsonSchemaGrammar(Qwen3Tokenizer.Load(RealTokenizer.Folder)),
        _ => throw new ArgumentException($"unknown fuzz target '{name}' (targets: {string.Join(", ", Names)})", nameof(name)),
    };

    /// <summary>The header parser and every read it allows: names, infos and each tensor's bytes.</summary>
    private static Action<byte[]> Safetensors(string path) => input =>
    {
        File.WriteAllBytes(path, input);
        try
        {
            using var file = SafetensorsFile.Open(path);
            foreach (string tensor in file.TensorNames)
            {
                var info = file.GetInfo(tensor);
                long bytes = info.ElementCount * DTypes.SizeOf(info.DType);
                if (bytes <= 1 << 20)
                {
                    _ = file.GetBytes(tensor).Length;
                }

                if (info.ElementCount is > 0 and <= 4096)
                {
                    file.ReadFloat32(tensor, 0, new float[info.ElementCount]);
                }
            }
        }
        catch (Qwen3OnnxException)
        {
        }
    };

    /// <summary><c>config.json</c> as the exporter reads it, then the RoPE table it derives from it.</summary>
    private static Action<byte[]> Config(string path) => input =>
    {
        File.WriteAllBytes(path, input);
        try
        {
            var config = Qwen3ConfigReader.ReadFile(path);
            if (config.HeadDim <= 4096)
            {
                _ = RopeFrequencies.For(config);
            }
        }
        catch (Qwen3OnnxException)
        {
        }
    };

    /// <summary>Any ids, in range or not: decoded whole, with and without special tokens, and streamed one by one.</summary>
    private static Action<byte[]> TokenizerDecode(Qwen3Tokenizer tokenizer) => input =>
    {
        var ids = new int[input.Length / 4];
        Buffer.BlockCopy(input, 0, ids, 0, ids.Length * 4);
        string whole = tokenizer.Decode(ids);
        _ = tokenizer.Decode(ids, skipSpecialTokens: true);
        var streaming = tokenizer.CreateStreamingDetokenizer();
        var streamed = new StringBuilder();
        foreach (int id in ids)
        {
            streamed.Append(streaming.Append(id));
        }

        streamed.Append(streaming.Flush());
        if (streamed.ToString() != whole)
        {
            throw new InvalidOperationException("streamed decode differs from the whole decode");
        }
    };

    /// <summary>A request body as the server reads it (media type, UTF-8, JSON, fields, template) for both endpoints.</summary>
    private static Action<byte[]> ChatRequest(ServedModel model) => input =>
    {
        foreach (bool chat in new[] { true, false })
        {
            var context = new DefaultHttpContext();
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(input, writable: false);
            try
            {
                var body = RequestBody.ReadAsync(context).GetAwaiter().GetResult();
                using var document = RequestFields.ParseObject(body);
                _ = chat ? ChatRequestReader.Read(document.RootElement, model) : CompletionRequestReader.Read(document.RootElement, model);
            }
            catch (ApiException ex) when (ex.Status is >= 400 and < 500)
            {
            }
        }
    };

    /// <summary>
    /// Any JSON as a response-format schema: compiled (or refused with <see cref="NotSupportedException"/>), then
    /// 24 tokens decoded under it, each the lowest id the mask allows, or the highest on odd steps.
    /// </summary>
    private static Action<byte[]> JsonSchemaGrammar(Qwen3Tokenizer tokenizer) => input =>
    {
        if (!System.Text.Unicode.Utf8.IsValid(input))
        {
            return;   // every caller hands over valid UTF-8: the server refuses other bodies, the CLI other files
        }

        System.Text.Json.JsonElement schema;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(input);
            schema = document.RootElement.Clone();
        }
        catch (System.Text.Json.JsonException)
        {
            return;
        }

        Runtime.Constraints.TokenGrammar grammar;
        try
        {
            grammar = Runtime.Constraints.TokenGrammar.Json(tokenizer, schema, thinking: false);
        }
        catch (NotSupportedException)
        {
            return;
        }

        var sampler = new Runtime.Sampling.Sampler(new Runtime.Sampling.SamplingOptions { Greedy = true, Grammar = grammar }, tokenizer.VocabularySize);
        var logits = new float[tokenizer.VocabularySize];
        for (int step = 0; step < 24; step++)
        {
            // Greedy over a ramp picks the highest allowed id, over a falling ramp the lowest.
            for (int id = 0; id < logits.Length; id++)
            {
                logits[id] = step % 2 == 0 ? -id : id;
            }

            int token = sampler.Sample(logits);
            if (tokenizer.EosTokenIds.Contains(token))
            {
                return;
            }

            sampler.Accept(token);
        }
    };

    private static string ScratchFile(string name)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"qwen3onnx-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    /// <summary>A random-weight model with Qwen3's vocabulary and the real tokenizer, so every encoded prompt is in range.</summary>
    private static ServedModel TinyServedModel()
    {
        string folder = Path.Combine(Path.GetDirectoryName(ScratchFile("x"))!, "qwen3");
        if (!File.Exists(Path.Combine(folder, ExportManifestFileName)))
        {
            var config = new Qwen3Config
            {
                VocabSize = 151936,
                HiddenSize = 16,
                IntermediateSize = 32,
                NumHiddenLayers = 1,
                NumAttentionHeads = 2,
                NumKeyValueHeads = 1,
                HeadDim = 8,
                MaxPositionEmbeddings = 4096,
                TieWordEmbeddings = true,
            };
            Qwen3Exporter.Export(new ExportOptions { Config = config, SyntheticSeed = 1, OutputFolder = folder, Force = true });
            foreach (string file in Directory.GetFiles(RealTokenizer.Folder))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
            }
        }

        return ServedModel.Open(new ServerOptions { ModelFolder = folder, ModelName = "qwen3" });
    }

    private const string ExportManifestFileName = Models.Package.ExportManifest.FileName;
}
