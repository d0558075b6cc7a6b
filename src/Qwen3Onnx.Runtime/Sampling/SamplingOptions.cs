using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Package;

namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>
/// How one sequence picks its next token. Every property is checked when it is set, so an invalid value
/// (from code, a CLI flag or a manifest) fails at once with a <see cref="Qwen3OnnxException"/> naming the option.
/// Neutral values switch a stage off: temperature 1, top-k 0, top-p 1, min-p 0, penalties 1 / 0 / 0.
/// </summary>
public sealed record SamplingOptions
{
    /// <summary>Always take the most likely token (ties go to the lowest id), after penalties and the mask.</summary>
    public bool Greedy { get; init; }

    /// <summary>Logits are divided by this before the filters; 0 means greedy.</summary>
    public float Temperature
    {
        get;
        init => field = Require(value, float.IsFinite(value) && value >= 0, "temperature", "a finite number >= 0");
    } = 1f;

    /// <summary>Keep only the k most likely tokens; 0 keeps them all.</summary>
    public int TopK
    {
        get;
        init => field = Require(value, value >= 0, "top_k", "an integer >= 0 (0 disables it)");
    }

    /// <summary>Keep the smallest set of most likely tokens whose probability reaches p; 1 keeps them all.</summary>
    public float TopP
    {
        get;
        init => field = Require(value, value > 0 && value <= 1, "top_p", "in (0, 1]");
    } = 1f;

    /// <summary>Drop tokens less likely than min-p times the most likely one; 0 keeps them all.</summary>
    public float MinP
    {
        get;
        init => field = Require(value, value >= 0 && value <= 1, "min_p", "in [0, 1]");
    }

    /// <summary>Hugging Face semantics over ids seen in prompt or output: positive logits divided, others multiplied.</summary>
    public float RepetitionPenalty
    {
        get;
        init => field = Require(value, float.IsFinite(value) && value > 0, "repetition_penalty", "a finite number > 0");
    } = 1f;

    /// <summary>OpenAI semantics: subtracted once from the logit of every id already generated.</summary>
    public float PresencePenalty
    {
        get;
        init => field = Require(value, float.IsFinite(value), "presence_penalty", "a finite number");
    }

    /// <summary>OpenAI semantics: subtracted from an id's logit once per time it was generated.</summary>
    public float FrequencyPenalty
    {
        get;
        init => field = Require(value, float.IsFinite(value), "frequency_penalty", "a finite number");
    }

    /// <summary>Same seed, same options, same logits ⇒ same tokens (on any .NET version); null picks a random seed.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Ids at or above this are never sampled (the vocabulary padding past the tokenizer's last id).</summary>
    public int? MaskedIdsFrom
    {
        get;
        init => field = Require(value, value is null or > 0, "masked_ids_from", "a positive token id");
    }

    /// <summary>
    /// Report each sampled token's log-probability with this many of the most likely alternatives (0 … 20; null
    /// reports nothing). See <see cref="TokenLogprobs"/>.
    /// </summary>
    public int? TopLogprobs
    {
        get;
        init => field = Require(value, value is null or >= 0 and <= TokenLogprobs.MaxTop, "top_logprobs", $"an integer in [0, {TokenLogprobs.MaxTop}]");
    }

    /// <summary>A grammar every sampled token must keep the output inside (JSON, a schema, tool calls); null for free text.</summary>
    public Constraints.TokenGrammar? Grammar { get; init; }

    /// <summary>True when no randomness is involved: greedy, temperature 0 or top-k 1.</summary>
    public bool IsGreedy => Greedy || Temperature == 0 || TopK == 1;

    /// <summary>
    /// Options from a checkpoint's generation config, with Hugging Face's defaults where it is silent
    /// (do_sample false, temperature 1, top_k 50, top_p 1, no min-p, no repetition penalty).
    /// </summary>
    public static SamplingOptions FromGenerationDefaults(GenerationDefaults defaults, int? maskedIdsFrom = null)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return new SamplingOptions
        {
            Greedy = defaults.DoSample != true,
            Temperature = (float)(defaults.Temperature ?? 1.0),
            TopK = defaults.TopK ?? 50,
            TopP = (float)(defaults.TopP ?? 1.0),
            MinP = (float)(defaults.MinP ?? 0.0),
            RepetitionPenalty = (float)(defaults.RepetitionPenalty ?? 1.0),
            MaskedIdsFrom = maskedIdsFrom,
        };
    }

    private static T Require<T>(T value, bool valid, string option, string expected) =>
        valid ? value : throw new Qwen3OnnxException($"sampling option '{option}' must be {expected} (got {value})");
}
