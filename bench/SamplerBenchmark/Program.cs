using System.Diagnostics;
using System.Text.Json;
using Qwen3Onnx.Runtime.Constraints;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Tokenization;

// Sampler cost per token on a Qwen3-wide logits row (151936, ids >= 151669 masked) filled with normal(0, 3) noise.
// Not a test: prints the median and 90th percentile microseconds per token and the bytes allocated per token.
// "grammar TOKENIZER_DIR [tokens]" instead times sampling plus accepting a token inside a grammar's value (the mask
// computed in the sampler, not prefetched): a JSON string, Qwen3-Coder's raw-text parameter, and no grammar.
const int VocabSize = 151936;
const int TokenizerVocab = 151669;
const int Rows = 32;
const int Warmup = 300;
if (args.Length > 1 && args[0] == "grammar")
{
    Grammar(args[1], args.Length > 2 ? int.Parse(args[2]) : 2000);
    return;
}

var iterations = args.Length > 0 ? int.Parse(args[0]) : 3000;

var rows = Enumerable.Range(0, Rows).Select(seed => NormalRow(VocabSize, seed, 3.0)).ToArray();
var qwen = new SamplingOptions { Temperature = 0.6f, TopK = 20, TopP = 0.95f, Seed = 1, MaskedIdsFrom = TokenizerVocab };
var penalties = qwen with { RepetitionPenalty = 1.1f, PresencePenalty = 0.5f, FrequencyPenalty = 0.3f };
var cases = new (string Name, SamplingOptions Options)[]
{
    ("greedy", new SamplingOptions { Greedy = true, MaskedIdsFrom = TokenizerVocab }),
    ("temperature 0.6 + top-k 20 + top-p 0.95", qwen),
    ("same + repetition/presence/frequency over 512 seen ids", penalties),
    ("temperature 1 only (full-row draw)", new SamplingOptions { Seed = 1, MaskedIdsFrom = TokenizerVocab }),
    ("min-p 0.05 only", new SamplingOptions { MinP = 0.05f, Seed = 1, MaskedIdsFrom = TokenizerVocab }),
    ("top-p 0.95 only (wide nucleus)", new SamplingOptions { TopP = 0.95f, Seed = 1, MaskedIdsFrom = TokenizerVocab }),
};

Console.WriteLine($"vocab {VocabSize} (masked from {TokenizerVocab}), logits normal(0, 3), {iterations} timed tokens per case after {Warmup} warm-up");
Console.WriteLine($"{"case",-56} {"median µs",10} {"p90 µs",10} {"bytes/token",12}");
foreach (var (name, options) in cases)
{
    var sampler = new Sampler(options, VocabSize);
    SeedHistory(sampler);
    var (median, p90, bytes) = Measure(sampler, rows, iterations);
    Console.WriteLine($"{name,-56} {median,10:F1} {p90,10:F1} {bytes,12:F1}");
}

// Each case's state stays inside the value: the row boosts "a", which continues a string and raw text alike.
static void Grammar(string tokenizerFolder, int iterations)
{
    var qwen3 = Qwen3Tokenizer.Load(tokenizerFolder);
    var coder = Qwen3Tokenizer.Load(tokenizerFolder, ChatTemplateChoice.Qwen3Coder);
    int a = qwen3.Encode("a")[0];
    var rows = Enumerable.Range(0, Rows).Select(seed => NormalRow(VocabSize, seed, 3.0)).ToArray();
    foreach (var row in rows)
    {
        row[a] += 40;
    }

    var text = JsonDocument.Parse("""{"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}""").RootElement;
    var json = TokenGrammar.Json(qwen3, text, thinking: false);
    var call = TokenGrammar.ToolCalls(coder, [ChatTool.Function("write", null, text)], parallel: false, thinking: false);
    var options = new SamplingOptions { Temperature = 0.6f, TopK = 20, TopP = 0.95f, Seed = 1, MaskedIdsFrom = TokenizerVocab };
    var cases = new (string Name, SamplingOptions Options, int[] Prefix)[]
    {
        ("no grammar", options, []),
        ("JSON string value ({\"text\": \"…)", options with { Grammar = json }, qwen3.Encode("{\"text\": \"")),
        ("Qwen3-Coder raw-text parameter (<parameter=text>…)", options with { Grammar = call },
            [coder.ToolCallStartId!.Value, .. coder.Encode("\n<function=write>\n<parameter=text>\n")]),
        ("no grammar (again, after the others: JIT warm)", options, []),
    };

    Console.WriteLine($"vocab {VocabSize}, logits normal(0, 3) with \"a\" boosted, temperature 0.6 + top-k 20 + top-p 0.95, {iterations} timed tokens per case");
    Console.WriteLine($"{"case",-56} {"median µs",10} {"p90 µs",10} {"bytes/token",12}");
    foreach (var (name, caseOptions, prefix) in cases)
    {
        var sampler = new Sampler(caseOptions, VocabSize);
        sampler.Reset([]);
        foreach (int id in prefix)
        {
            sampler.Accept(id);
        }

        var (median, p90, bytes) = Measure(sampler, rows, iterations, accept: true);
        Console.WriteLine($"{name,-56} {median,10:F1} {p90,10:F1} {bytes,12:F1}");
    }
}

static (double Median, double P90, double BytesPerToken) Measure(Sampler sampler, float[][] rows, int iterations, bool accept = false)
{
    for (var i = 0; i < Warmup; i++)
    {
        int token = sampler.Sample(rows[i % rows.Length]);
        if (accept)
        {
            sampler.Accept(token);
        }
    }

    var micros = new double[iterations];
    var checksum = 0L;
    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    for (var i = 0; i < iterations; i++)
    {
        var start = Stopwatch.GetTimestamp();
        int token = sampler.Sample(rows[i % rows.Length]);
        if (accept)
        {
            sampler.Accept(token);
        }

        micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        checksum += token;
    }

    var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
    GC.KeepAlive(checksum);
    Array.Sort(micros);
    return (micros[iterations / 2], micros[iterations * 9 / 10], (double)allocated / iterations);
}

// 256 prompt ids and 256 generated ids: 512 distinct seen ids for the penalties.
static void SeedHistory(Sampler sampler)
{
    var random = new Random(123);
    var ids = Enumerable.Range(0, TokenizerVocab).OrderBy(_ => random.Next()).Take(512).ToArray();
    sampler.Reset(ids.AsSpan(0, 256));
    foreach (var id in ids.AsSpan(256))
    {
        sampler.Accept(id);
    }
}

static float[] NormalRow(int width, int seed, double sigma)
{
    var random = new Random(seed);
    var row = new float[width];
    for (var i = 0; i < width; i++)
    {
        row[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
    }

    return row;
}
