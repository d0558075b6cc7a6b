using Qwen3Onnx.Models;
using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Reference;

/// <summary>
/// A from-scratch float32 forward pass of HF Qwen3 (dense) and Qwen3-MoE with a KV cache: the oracle the
/// ONNX graph is tested against. Readable first; every weight is held whole, so use it with tiny models.
/// Not thread-safe: the blocks keep scratch buffers, so give each thread its own instance.
/// <code>
/// x = Embed(ids)
/// for each layer: x = x + Attention(RmsNorm(x)); x = x + FeedForward(RmsNorm(x))
/// logits = LmHead(RmsNorm(x))
/// </code>
/// </summary>
public sealed class Qwen3ReferenceModel
{
    private readonly Linear _embedding; // [vocab, hidden]; read by row
    private readonly DecoderLayer[] _layers;
    private readonly RmsNorm _finalNorm; // [hidden]
    private readonly Linear _lmHead;    // [vocab, hidden]; the embedding itself when tied

    private Qwen3ReferenceModel(Qwen3Config config, Linear embedding, DecoderLayer[] layers, RmsNorm finalNorm, Linear lmHead)
    {
        Config = config;
        _embedding = embedding;
        _layers = layers;
        _finalNorm = finalNorm;
        _lmHead = lmHead;
    }

    public Qwen3Config Config { get; }

    /// <summary>Reads every tensor the config names (whole, as float32) after checking names and shapes.</summary>
    public static Qwen3ReferenceModel Load(Qwen3Config config, IWeightSource weights)
    {
        Qwen3WeightNames.Validate(config, weights);
        var loader = new WeightLoader(config, weights);
        var embedding = loader.Linear(Qwen3WeightNames.Embedding);
        var layers = Enumerable.Range(0, config.NumHiddenLayers).Select(loader.DecoderLayer).ToArray();
        var lmHead = config.TieWordEmbeddings ? embedding : loader.Linear(Qwen3WeightNames.LmHead);
        return new Qwen3ReferenceModel(config, embedding, layers, loader.Norm(Qwen3WeightNames.FinalNorm), lmHead);
    }

    /// <summary>A cache sized for this model, empty.</summary>
    public ReferenceKvCache CreateCache(int batchSize) => new(Config, batchSize);

    /// <summary>
    /// Runs <paramref name="inputIds"/> [batch, seq] after what <paramref name="cache"/> holds, appends their keys
    /// and values to it, and returns logits [batch, seq, vocab]. <paramref name="attentionMask"/> [batch, past + seq]
    /// marks tokens 1 and padding 0; <paramref name="positionIds"/> [batch, seq] are the rotary positions.
    /// </summary>
    public ReferenceLogits Forward(long[][] inputIds, long[][] attentionMask, long[][] positionIds, ReferenceKvCache cache)
    {
        int sequence = CheckShapes(inputIds, attentionMask, positionIds, cache);
        int hidden = Config.HiddenSize;
        int vocab = Config.VocabSize;
        var logits = new float[inputIds.Length * sequence * vocab]; // [batch, seq, vocab]
        for (int b = 0; b < inputIds.Length; b++)
        {
            var row = new RowContext(b, positionIds[b], attentionMask[b], cache.Length);
            var states = Embed(inputIds[b]); // [seq, hidden]
            foreach (var layer in _layers)
            {
                layer.Apply(states, hidden, row, cache);
            }

            for (int t = 0; t < sequence; t++)
            {
                var token = states.AsSpan(t * hidden, hidden);
                _finalNorm.Apply(token, token);
                _lmHead.Apply(token, logits.AsSpan(((b * sequence) + t) * vocab, vocab)); // [vocab]
            }
        }

        cache.Advance(sequence);
        return new ReferenceLogits(inputIds.Length, sequence, vocab, logits);
    }

    private float[] Embed(long[] ids)
    {
        int hidden = Config.HiddenSize;
        var states = new float[ids.Length * hidden]; // [seq, hidden]
        for (int t = 0; t < ids.Length; t++)
        {
            if (ids[t] < 0 || ids[t] >= Config.VocabSize)
            {
                throw new Qwen3OnnxException($"input_ids: token id {ids[t]} is outside the vocabulary [0, {Config.VocabSize})");
            }

            _embedding.Row(ids[t]).CopyTo(states.AsSpan(t * hidden, hidden));
        }

        return states;
    }

    private int CheckShapes(long[][] inputIds, long[][] attentionMask, long[][] positionIds, ReferenceKvCache cache)
    {
        int batch = inputIds.Length;
        int sequence = batch > 0 ? inputIds[0].Length : 0;
        if (batch == 0 || sequence == 0)
        {
            throw new ArgumentException("input_ids must be non-empty [batch, seq]", nameof(inputIds));
        }

        if (cache.BatchSize != batch || cache.LayerCount != Config.NumHiddenLayers)
        {
            throw new ArgumentException($"cache holds batch {cache.BatchSize}, layers {cache.LayerCount}; input has batch {batch}", nameof(cache));
        }

        if (attentionMask.Length != batch || positionIds.Length != batch
            || inputIds.Any(r => r.Length != sequence)
            || positionIds.Any(r => r.Length != sequence)
            || attentionMask.Any(r => r.Length != cache.Length + sequence))
        {
            throw new ArgumentException(
                $"expected input_ids and position_ids [{batch}, {sequence}] and attention_mask [{batch}, {cache.Length + sequence}]");
        }

        return sequence;
    }
}
