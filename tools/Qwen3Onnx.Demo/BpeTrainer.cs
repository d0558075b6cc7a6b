using System.Text;
using Qwen3Onnx.Runtime.Tokenization;

namespace Qwen3Onnx.Demo;

/// <summary>
/// Learns byte-level BPE merges from text: split it with the Qwen2 pattern, then repeatedly merge the most
/// frequent adjacent pair (ties broken by the pair's ordinal order, so the result is deterministic).
/// Symbols are ids into a growing token list; a pair is one long key.
/// </summary>
internal static class BpeTrainer
{
    public static List<(string Left, string Right)> Learn(string text, int newTokenCount)
    {
        var tokens = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.ByteToChar((byte)b).ToString()).ToList();
        var ids = tokens.Select((token, id) => (token, id)).ToDictionary(entry => entry.token, entry => entry.id, StringComparer.Ordinal);
        List<(List<int> Symbols, int Count)> words = CountWords(text);
        var merges = new List<(string Left, string Right)>();
        while (tokens.Count < 256 + newTokenCount)
        {
            long pair = MostFrequentPair(words, tokens)
                ?? throw new InvalidOperationException($"the corpus supports only {tokens.Count - 256} new tokens, not {newTokenCount}");
            (int left, int right) = ((int)(pair >> 32), (int)pair);
            string merged = tokens[left] + tokens[right];
            if (!ids.TryGetValue(merged, out int mergedId))
            {
                mergedId = tokens.Count;
                ids.Add(merged, mergedId);
                tokens.Add(merged);
            }

            words.ForEach(word => MergeInPlace(word.Symbols, left, right, mergedId));
            merges.Add((tokens[left], tokens[right]));
        }

        return merges;
    }

    private static List<(List<int> Symbols, int Count)> CountWords(string text)
    {
        var pieces = new List<(int Offset, int Length)>();
        Qwen2SplitPattern.AppendPieces(text, 0, pieces);
        return pieces
            .Select(piece => Encoding.UTF8.GetBytes(text.Substring(piece.Offset, piece.Length)))
            .GroupBy(Convert.ToHexString, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => (group.First().Select(b => (int)b).ToList(), group.Count()))
            .ToList();
    }

    private static long? MostFrequentPair(List<(List<int> Symbols, int Count)> words, List<string> tokens)
    {
        var counts = new Dictionary<long, int>();
        foreach (var (symbols, count) in words)
        {
            for (int i = 0; i + 1 < symbols.Count; i++)
            {
                long pair = ((long)symbols[i] << 32) | (uint)symbols[i + 1];
                counts[pair] = counts.GetValueOrDefault(pair) + count;
            }
        }

        long? best = null;
        int bestCount = 0;
        foreach (var (pair, count) in counts)
        {
            if (count > bestCount || (count == bestCount && ComparePairs(pair, best!.Value, tokens) < 0))
            {
                (best, bestCount) = (pair, count);
            }
        }

        return best;
    }

    private static int ComparePairs(long a, long b, List<string> tokens)
    {
        int left = string.CompareOrdinal(tokens[(int)(a >> 32)], tokens[(int)(b >> 32)]);
        return left != 0 ? left : string.CompareOrdinal(tokens[(int)a], tokens[(int)b]);
    }

    private static void MergeInPlace(List<int> symbols, int left, int right, int merged)
    {
        for (int i = 0; i + 1 < symbols.Count; i++)
        {
            if (symbols[i] == left && symbols[i + 1] == right)
            {
                symbols[i] = merged;
                symbols.RemoveAt(i + 1);
            }
        }
    }
}
