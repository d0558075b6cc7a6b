using System.Text.Json;
using Qwen3Onnx.Runtime.Constraints;
using Qwen3Onnx.Runtime.Tokenization;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Runtime.Tests.Constraints;

/// <summary>Drives a grammar by hand: random walks through its mask, forced token sequences, and a brute-force mask.</summary>
internal static class GrammarWalk
{
    private static readonly Lazy<Qwen3Tokenizer> LazyTokenizer = new(() => Qwen3Tokenizer.Load(RealTokenizer.Folder));

    public static Qwen3Tokenizer Tokenizer => LazyTokenizer.Value;

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>
    /// Picks allowed tokens at random until an end-of-sequence id or <paramref name="limit"/> tokens. Half the picks
    /// come from the single-byte tokens (ids below 256) so strings and numbers end; the rest from the whole mask.
    /// </summary>
    /// <remarks>
    /// With <paramref name="phrases"/>, one pick in eight starts one of those token sequences where the mask allows
    /// it and follows it while the mask does (so raw text that only a closing tag ends gets closed).
    /// </remarks>
    public static (List<int> Ids, bool Finished) Random(TokenGrammar grammar, int seed, int limit = 600, IReadOnlyList<int[]>? phrases = null)
    {
        var state = grammar.CreateState();
        var random = new Random(seed);
        var ids = new List<int>();
        var allowed = new List<int>();
        var queued = new Queue<int>();
        for (int step = 0; step < limit; step++)
        {
            var mask = state.ComputeMask();
            allowed.Clear();
            for (int id = 0; id < Tokenizer.VocabularySize; id++)
            {
                if ((mask[id >> 6] & (1UL << (id & 63))) != 0)
                {
                    allowed.Add(id);
                }
            }

            if (queued.Count == 0 && phrases is { Count: > 0 } && random.Next(8) == 0 && phrases[random.Next(phrases.Count)] is var phrase && state.Allows(phrase[0]))
            {
                phrase.ToList().ForEach(queued.Enqueue);
            }

            if (queued.Count > 0 && !state.Allows(queued.Peek()))
            {
                queued.Clear();
            }

            var small = allowed.Where(id => id < 256 || grammar.EndIds.Contains(id)).ToList();
            int pick = queued.Count > 0 ? queued.Dequeue()
                : small.Count > 0 && random.Next(2) == 0 ? small[random.Next(small.Count)] : allowed[random.Next(allowed.Count)];
            state.Accept(pick);
            if (state.IsFinished)
            {
                return (ids, true);
            }

            ids.Add(pick);
        }

        return (ids, false);
    }

    /// <summary>Accepts <paramref name="ids"/> one by one, failing at the first the mask did not allow.</summary>
    public static GrammarState Force(TokenGrammar grammar, IEnumerable<int> ids)
    {
        var state = grammar.CreateState();
        int index = 0;
        foreach (int id in ids)
        {
            state.ComputeMask();
            Assert.IsTrue(state.Allows(id), $"token #{index} {id} '{Tokenizer.Decode([id])}' was masked");
            state.Accept(id);
            index++;
        }

        return state;
    }

    /// <summary>The mask recomputed the slow way: every token's bytes stepped through a fresh machine.</summary>
    public static HashSet<int> BruteForceMask(TokenGrammar grammar, IReadOnlyList<int> prefix)
    {
        var machine = new GrammarMachine(grammar.Nodes, grammar.Root);
        var vocabulary = TokenVocabulary.For(Tokenizer);
        var current = new StackSet();
        var next = new StackSet();
        machine.Start(current);
        foreach (int id in prefix)
        {
            foreach (int symbol in Symbols(vocabulary, id))
            {
                machine.Step(current, symbol, next);
                (current, next) = (next, current);
            }
        }

        var allowed = new HashSet<int>();
        if (current.HasComplete)
        {
            allowed.UnionWith(grammar.EndIds);
        }

        var from = new StackSet();
        var to = new StackSet();
        for (int id = 0; id < vocabulary.Size; id++)
        {
            from.CopyFrom(current);
            bool alive = true;
            foreach (int symbol in Symbols(vocabulary, id))
            {
                machine.Step(from, symbol, to);
                (from, to) = (to, from);
                if (from.IsEmpty)
                {
                    alive = false;
                    break;
                }
            }

            if (alive && (vocabulary.Bytes(id).Length > 0 || vocabulary.AddedIds.Contains(id)))
            {
                allowed.Add(id);
            }
        }

        return allowed;
    }

    public static HashSet<int> MaskOf(GrammarState state)
    {
        var mask = state.ComputeMask();
        var set = new HashSet<int>();
        for (int id = 0; id < Tokenizer.VocabularySize; id++)
        {
            if ((mask[id >> 6] & (1UL << (id & 63))) != 0)
            {
                set.Add(id);
            }
        }

        return set;
    }

    private static IEnumerable<int> Symbols(TokenVocabulary vocabulary, int id) =>
        vocabulary.AddedIds.Contains(id) ? [GrammarMachine.AddedTokenBase + id] : vocabulary.Bytes(id).ToArray().Select(b => (int)b);
}
