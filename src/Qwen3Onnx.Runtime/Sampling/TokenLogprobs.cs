using System.Numerics.Tensors;

namespace Qwen3Onnx.Runtime.Sampling;

/// <summary>
/// The log-probability of a sampled token and of the most likely alternatives, from the distribution it was drawn
/// from before temperature and truncation: the logits after the penalties and the grammar mask (OpenAI's
/// <c>logprobs</c>/<c>top_logprobs</c>). A token the mask excluded has no probability; it is reported as
/// <see cref="Floor"/>, as OpenAI writes it, since JSON has no −∞.
/// </summary>
public sealed record TokenLogprobs(int TokenId, float Logprob, IReadOnlyList<TopLogprob> Top)
{
    /// <summary>The most alternatives OpenAI returns (<c>top_logprobs</c> ≤ 20).</summary>
    public const int MaxTop = 20;

    public const float Floor = -9999f;

    /// <summary>From one row of logits (the ids that may be sampled), the chosen id and how many alternatives to keep.</summary>
    public static TokenLogprobs From(ReadOnlySpan<float> logits, int tokenId, int top)
    {
        float max = TensorPrimitives.Max(logits);
        double sum = 0;
        foreach (float logit in logits)
        {
            sum += Math.Exp(logit - max);
        }

        float logSum = max + (float)Math.Log(sum);
        var best = new TopLogprob[Math.Min(top, logits.Length)];
        int kept = 0;
        for (int id = 0; id < logits.Length && best.Length > 0; id++)
        {
            float value = logits[id];
            if (kept == best.Length && value <= best[kept - 1].Logprob)
            {
                continue;
            }

            int at = kept < best.Length ? kept++ : kept - 1;
            while (at > 0 && best[at - 1].Logprob < value)
            {
                best[at] = best[at - 1];
                at--;
            }

            best[at] = new TopLogprob(id, value);
        }

        var alternatives = best[..kept].Select(entry => entry with { Logprob = Clamp(entry.Logprob - logSum) }).ToArray();
        return new TokenLogprobs(tokenId, Clamp(logits[tokenId] - logSum), alternatives);
    }

    private static float Clamp(float logprob) => float.IsFinite(logprob) ? Math.Max(logprob, Floor) : Floor;
}
