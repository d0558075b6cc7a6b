using System.Globalization;
using Qwen3Onnx.Models;

namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>
/// The sampling settings a user asked for (CLI flags, a server request, <c>ChatOptions</c>), laid over a model's
/// defaults by <see cref="ApplyTo"/>: the one place that bounds them, with one message per bound, so every surface
/// accepts and refuses the same values. Setting temperature &gt; 0, top-p, top-k &gt; 1, min-p &gt; 0 or a seed asks
/// for sampling even when the defaults are greedy; temperature 0 asks for greedy.
/// </summary>
public sealed record SamplingRequest
{
    /// <summary>Only the most likely token; refused together with any sampling setting.</summary>
    public bool Greedy { get; init; }

    public double? Temperature { get; init; }

    /// <summary>0 or -1 (vLLM's spelling) keep every token.</summary>
    public long? TopK { get; init; }

    public double? TopP { get; init; }

    public double? MinP { get; init; }

    public ulong? Seed { get; init; }

    public double? RepetitionPenalty { get; init; }

    public double? PresencePenalty { get; init; }

    public double? FrequencyPenalty { get; init; }

    /// <summary>
    /// The defaults with what was asked; throws <see cref="SamplingRequestException"/> naming the first bad field.
    /// <paramref name="spell"/> turns a field's OpenAI name (<c>top_p</c>) into the caller's (<c>--top-p</c>), so
    /// the message is the same on every surface but for the names the user typed.
    /// </summary>
    public SamplingOptions ApplyTo(SamplingOptions defaults, Func<string, string>? spell = null)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        spell ??= field => field;
        double? temperature = Bounded("temperature", Temperature, 0, 2, "between 0 and 2", spell);
        long? topK = TopK is { } k && k < -1 ? throw Refuse("top_k", "an integer >= 0 (0 or -1: every token)", k, spell) : TopK;
        double? topP = Bounded("top_p", TopP, double.Epsilon, 1, "in (0, 1]", spell);
        double? minP = Bounded("min_p", MinP, 0, 1, "between 0 and 1", spell);
        double? repetition = Bounded("repetition_penalty", RepetitionPenalty, double.Epsilon, 10, "in (0, 10]", spell);
        double? presence = Bounded("presence_penalty", PresencePenalty, -2, 2, "between -2 and 2", spell);
        double? frequency = Bounded("frequency_penalty", FrequencyPenalty, -2, 2, "between -2 and 2", spell);
        bool sample = temperature > 0 || topP is not null || topK > 1 || minP > 0 || Seed is not null;
        if (Greedy && sample)
        {
            throw new SamplingRequestException(
                "greedy",
                $"{spell("greedy")} does not go with {spell("temperature")}, {spell("top_k")}, {spell("top_p")}, {spell("min_p")} or {spell("seed")}");
        }

        return defaults with
        {
            Greedy = Greedy || temperature == 0 || (defaults.Greedy && !sample),
            Temperature = temperature is { } t ? (float)t : defaults.Temperature,
            TopK = topK is { } topKValue ? (int)Math.Clamp(topKValue, 0, int.MaxValue) : defaults.TopK,
            TopP = topP is { } p ? (float)p : defaults.TopP,
            MinP = minP is { } m ? (float)m : defaults.MinP,
            Seed = Seed ?? defaults.Seed,
            RepetitionPenalty = repetition is { } r ? (float)r : defaults.RepetitionPenalty,
            PresencePenalty = presence is { } pp ? (float)pp : defaults.PresencePenalty,
            FrequencyPenalty = frequency is { } fp ? (float)fp : defaults.FrequencyPenalty,
        };
    }

    private static double? Bounded(string field, double? value, double min, double max, string range, Func<string, string> spell) =>
        value is { } v && !(v >= min && v <= max) ? throw Refuse(field, range, v, spell) : value;

    private static SamplingRequestException Refuse(string field, string range, IFormattable value, Func<string, string> spell) =>
        new(field, $"{spell(field)} must be {range} (got {value.ToString(null, CultureInfo.InvariantCulture)})");
}
