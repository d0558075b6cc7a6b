using System.Numerics.Tensors;
using Qwen3Onnx.Models.Config;

namespace Qwen3Onnx.Reference;

/// <summary>
/// Qwen3 grouped-query self-attention for one batch row:
/// q, k, v = x·Wq, x·Wk, x·Wv → per-head RMSNorm on q and k → RoPE on q and k → append k, v to the cache →
/// softmax(q·kᵀ / √head_dim + mask)·v over past ‖ new → o_proj.
/// </summary>
internal sealed class Attention
{
    /// <summary>A large finite negative rather than −∞, so that a row with no visible key stays finite.</summary>
    internal const float MaskedScore = float.MinValue;

    private readonly int _layer;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly float _scale;
    private readonly Linear _qProj; // [heads · head_dim, hidden]
    private readonly Linear _kProj; // [kv_heads · head_dim, hidden]
    private readonly Linear _vProj; // [kv_heads · head_dim, hidden]
    private readonly Linear _oProj; // [hidden, heads · head_dim]
    private readonly RmsNorm _qNorm; // [head_dim]
    private readonly RmsNorm _kNorm; // [head_dim]
    private readonly RotaryEmbedding _rope;
    private readonly float[] _key;   // [kv_heads, head_dim] scratch
    private readonly float[] _value; // [kv_heads, head_dim] scratch
    private float[] _scores = [];    // [past + seq] scratch, grown as the cache grows

    public Attention(int layer, Qwen3Config config, AttentionWeights weights)
    {
        _layer = layer;
        _heads = config.NumAttentionHeads;
        _kvHeads = config.NumKeyValueHeads;
        _headDim = config.HeadDim;
        _scale = (float)(1.0 / Math.Sqrt(config.HeadDim));
        (_qProj, _kProj, _vProj, _oProj, _qNorm, _kNorm) = weights;
        _rope = new RotaryEmbedding(config);
        _key = new float[config.KeyValueWidth];
        _value = new float[config.KeyValueWidth];
    }

    public void Apply(ReadOnlySpan<float> x, Span<float> y, RowContext row, ReferenceKvCache cache) // x, y [seq, hidden]
    {
        int hidden = _oProj.OutFeatures;
        var queries = new float[row.NewTokens * _heads * _headDim]; // [seq, heads, head_dim]
        for (int t = 0; t < row.NewTokens; t++)
        {
            ProjectAndCache(x.Slice(t * hidden, hidden), queries.AsSpan(t * _heads * _headDim, _heads * _headDim), t, row, cache);
        }

        var context = new float[_heads * _headDim]; // [heads, head_dim]
        if (_scores.Length < row.TotalLength)
        {
            _scores = new float[row.TotalLength];
        }

        for (int t = 0; t < row.NewTokens; t++)
        {
            for (int h = 0; h < _heads; h++)
            {
                var query = queries.AsSpan(((t * _heads) + h) * _headDim, _headDim);
                AttendOneHead(query, context.AsSpan(h * _headDim, _headDim), t, h / (_heads / _kvHeads), row, cache);
            }

            _oProj.Apply(context, y.Slice(t * hidden, hidden)); // [hidden]
        }
    }

    /// <summary>Token t's query (returned) and key/value (written to the cache at past + t).</summary>
    private void ProjectAndCache(ReadOnlySpan<float> x, Span<float> query, int t, RowContext row, ReferenceKvCache cache)
    {
        _qProj.Apply(x, query);                     // [heads, head_dim]
        _kProj.Apply(x, _key);                      // [kv_heads, head_dim]
        _vProj.Apply(x, _value);                    // [kv_heads, head_dim]
        NormalizeEachHead(_qNorm, query);
        NormalizeEachHead(_kNorm, _key);
        _rope.Rotate(query, row.PositionIds[t]);
        _rope.Rotate(_key, row.PositionIds[t]);
        cache.Write(_layer, row.Row, row.PastLength + t, _key, _value);
    }

    private void NormalizeEachHead(RmsNorm norm, Span<float> heads) // heads [n, head_dim]
    {
        for (int start = 0; start < heads.Length; start += _headDim)
        {
            norm.Apply(heads.Slice(start, _headDim), heads.Slice(start, _headDim));
        }
    }

    /// <summary>softmax(q·kⱼ·scale, masked) weighted sum of vⱼ over all cached positions j.</summary>
    private void AttendOneHead(ReadOnlySpan<float> query, Span<float> output, int t, int kvHead, RowContext row, ReferenceKvCache cache)
    {
        var scores = _scores.AsSpan(0, row.TotalLength); // [past + seq]
        for (int j = 0; j < scores.Length; j++)
        {
            scores[j] = row.MayAttend(t, j)
                ? TensorPrimitives.Dot(query, cache.Key(_layer, row.Row, j, kvHead)) * _scale
                : MaskedScore;
        }

        Softmax.InPlace(scores);
        output.Clear();
        for (int j = 0; j < scores.Length; j++)
        {
            TensorPrimitives.MultiplyAdd(cache.Value(_layer, row.Row, j, kvHead), scores[j], output, output);
        }
    }
}
