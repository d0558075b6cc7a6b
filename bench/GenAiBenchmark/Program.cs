using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntimeGenAI;

// ONNX Runtime GenAI's own C++ loop over one of our export folders, measured like `qwen3-onnx bench` measures ours:
// prefill = the prompt's forward pass plus the first token, decode = every later token, all rows counted, greedy,
// end-of-sequence ignored (min_length = max_length). Prints one JSON line per run.
//   GenAiBenchmark <export folder> [--batch 1] [--prompt-tokens 32] [--new-tokens 128] [--threads 0] [--warmup 1] [--reps 3] [--seed 1]
if (args.Length == 0 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: GenAiBenchmark <export folder> [--batch N] [--prompt-tokens N] [--new-tokens N] [--threads N] [--warmup N] [--reps N] [--seed N]");
    return 2;
}

string folder = args[0];
int Option(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at > 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

int batch = Option("--batch", 1), promptTokens = Option("--prompt-tokens", 32), newTokens = Option("--new-tokens", 128);
int threads = Option("--threads", 0), warmup = Option("--warmup", 1), reps = Option("--reps", 3), seed = Option("--seed", 1);

using var config = new Config(folder);
if (threads > 0)
{
    config.Overlay("{\"model\":{\"decoder\":{\"session_options\":{\"intra_op_num_threads\":" + threads.ToString(CultureInfo.InvariantCulture) + "}}}}");
}

using var model = new Model(config);
int vocab = ReadVocabularySize(folder);
var random = new Random(seed);
int[] prompt = [.. Enumerable.Range(0, batch * promptTokens).Select(_ => random.Next(vocab))];

var prefill = new List<double>();
var decode = new List<double>();
for (int rep = 0; rep < warmup + reps; rep++)
{
    using var parameters = new GeneratorParams(model);
    parameters.SetSearchOption("batch_size", batch);
    parameters.SetSearchOption("do_sample", false);
    parameters.SetSearchOption("max_length", promptTokens + newTokens);
    parameters.SetSearchOption("min_length", promptTokens + newTokens);
    using var generator = new Generator(model, parameters);
    var clock = Stopwatch.StartNew();
    generator.AppendTokens(prompt);
    generator.GenerateNextToken();
    double prefillSeconds = clock.Elapsed.TotalSeconds;
    int steps = 1;
    while (!generator.IsDone())
    {
        generator.GenerateNextToken();
        steps++;
    }

    double decodeSeconds = clock.Elapsed.TotalSeconds - prefillSeconds;
    if (steps != newTokens)
    {
        throw new InvalidOperationException($"GenAI decoded {steps} tokens per row, not {newTokens}");
    }

    if (rep >= warmup)
    {
        prefill.Add(batch * promptTokens / prefillSeconds);
        decode.Add(batch * (newTokens - 1) / decodeSeconds);
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $$"""{"runtime":"onnxruntime-genai 0.20.0","model":"{{Path.GetFullPath(folder)}}","batch":{{batch}},"prompt_tokens":{{promptTokens}},"new_tokens":{{newTokens}},"threads":{{threads}},"reps":{{reps}},"prefill_tok_s":{{Median(prefill):F2}},"decode_tok_s":{{Median(decode):F2}},"peak_rss_mib":{{Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0}}}"""));
return 0;

static double Median(List<double> values)
{
    values.Sort();
    return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
}

static int ReadVocabularySize(string folder)
{
    using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "genai_config.json")));
    return document.RootElement.GetProperty("model").GetProperty("vocab_size").GetInt32();
}
