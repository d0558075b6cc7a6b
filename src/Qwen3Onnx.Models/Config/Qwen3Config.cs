using System.Text.Json.Serialization;

namespace Qwen3Onnx.Models.Config;

/// <summary>
/// The shape and hyper-parameters of a Qwen3 dense or MoE model, as HF's <c>config.json</c> gives them.
/// Plain data: parsing lives in <see cref="Qwen3ConfigReader"/>, published sizes in <see cref="Qwen3Presets"/>.
/// </summary>
public sealed record Qwen3Config
{
    public const string DenseModelType = "qwen3";
    public const string MoeModelType = "qwen3_moe";

    public string ModelType { get; init; } = DenseModelType;

    public int VocabSize { get; init; } = 151936;

    public int HiddenSize { get; init; }

    public int IntermediateSize { get; init; }

    public int NumHiddenLayers { get; init; }

    public int NumAttentionHeads { get; init; }

    public int NumKeyValueHeads { get; init; }

    public int HeadDim { get; init; } = 128;

    public double RmsNormEps { get; init; } = 1e-6;

    public double RopeTheta { get; init; } = 1_000_000;

    public RopeScaling RopeScaling { get; init; } = RopeScaling.Default;

    public int MaxPositionEmbeddings { get; init; } = 40960;

    public bool TieWordEmbeddings { get; init; }

    /// <summary>Number of routed experts; 0 for a dense model.</summary>
    public int NumExperts { get; init; }

    public int NumExpertsPerTok { get; init; }

    public int MoeIntermediateSize { get; init; }

    public bool NormTopkProb { get; init; } = true;

    public int DecoderSparseStep { get; init; } = 1;

    public IReadOnlyList<int> MlpOnlyLayers { get; init; } = [];

    public int? BosTokenId { get; init; }

    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>The dtype the checkpoint was saved in (<c>torch_dtype</c> / <c>dtype</c>), e.g. "bfloat16".</summary>
    public string? TorchDtype { get; init; }

    [JsonIgnore]
    public bool IsMoe => ModelType == MoeModelType && NumExperts > 0;

    /// <summary>Width of the q projection: heads × head_dim, which need not equal hidden_size.</summary>
    [JsonIgnore]
    public int QueryWidth => NumAttentionHeads * HeadDim;

    [JsonIgnore]
    public int KeyValueWidth => NumKeyValueHeads * HeadDim;

    /// <summary>Query heads per key/value head in grouped-query attention.</summary>
    [JsonIgnore]
    public int GroupSize => NumAttentionHeads / NumKeyValueHeads;

    /// <summary>
    /// HF Qwen3-MoE's rule: a layer is sparse unless listed in mlp_only_layers, and only every
    /// decoder_sparse_step-th layer (1-based) is.
    /// </summary>
    public bool IsMoeLayer(int layer) =>
        IsMoe
        && !MlpOnlyLayers.Contains(layer)
        && DecoderSparseStep > 0
        && (layer + 1) % DecoderSparseStep == 0;

    /// <summary>Checks internal consistency; throws <see cref="Qwen3OnnxException"/> naming the field.</summary>
    public Qwen3Config Validate(string source = "config")
    {
        void Positive(int value, string field)
        {
            if (value <= 0)
            {
                throw new Qwen3OnnxException($"{source}: field '{field}' must be positive (got {value})");
            }
        }

        if (ModelType is not (DenseModelType or MoeModelType))
        {
            throw new Qwen3OnnxException(
                $"{source}: unsupported model_type '{ModelType}' (expected '{DenseModelType}' or '{MoeModelType}')");
        }

        Positive(VocabSize, "vocab_size");
        Positive(HiddenSize, "hidden_size");
        Positive(NumHiddenLayers, "num_hidden_layers");
        Positive(NumAttentionHeads, "num_attention_heads");
        Positive(NumKeyValueHeads, "num_key_value_heads");
        Positive(HeadDim, "head_dim");
        Positive(MaxPositionEmbeddings, "max_position_embeddings");
        if (HeadDim % 2 != 0)
        {
            throw new Qwen3OnnxException($"{source}: field 'head_dim' must be even for rotary embeddings (got {HeadDim})");
        }

        if (NumAttentionHeads % NumKeyValueHeads != 0)
        {
            throw new Qwen3OnnxException(
                $"{source}: field 'num_attention_heads' ({NumAttentionHeads}) must be a multiple of 'num_key_value_heads' ({NumKeyValueHeads})");
        }

        if (RmsNormEps <= 0)
        {
            throw new Qwen3OnnxException($"{source}: field 'rms_norm_eps' must be positive (got {RmsNormEps})");
        }

        if (RopeTheta <= 0)
        {
            throw new Qwen3OnnxException($"{source}: field 'rope_theta' must be positive (got {RopeTheta})");
        }

        bool anyDense = Enumerable.Range(0, NumHiddenLayers).Any(l => !IsMoeLayer(l));
        if (anyDense)
        {
            Positive(IntermediateSize, "intermediate_size");
        }

        if (ModelType == MoeModelType)
        {
            Positive(NumExperts, "num_experts");
            Positive(NumExpertsPerTok, "num_experts_per_tok");
            Positive(MoeIntermediateSize, "moe_intermediate_size");
            Positive(DecoderSparseStep, "decoder_sparse_step");
            if (NumExpertsPerTok > NumExperts)
            {
                throw new Qwen3OnnxException(
                    $"{source}: field 'num_experts_per_tok' ({NumExpertsPerTok}) exceeds 'num_experts' ({NumExperts})");
            }
        }

        return this;
    }
}
