using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Models.Weights;

namespace Qwen3Onnx.Reference;

/// <summary>Builds the reference blocks from HF-named tensors, each read whole as float32.</summary>
internal sealed class WeightLoader(Qwen3Config config, IWeightSource weights)
{
    public DecoderLayer DecoderLayer(int layer)
    {
        var attention = new Attention(layer, config, new AttentionWeights(
            Linear(Qwen3WeightNames.QProj(layer)),
            Linear(Qwen3WeightNames.KProj(layer)),
            Linear(Qwen3WeightNames.VProj(layer)),
            Linear(Qwen3WeightNames.OProj(layer)),
            Norm(Qwen3WeightNames.QNorm(layer)),
            Norm(Qwen3WeightNames.KNorm(layer))));
        IFeedForward feedForward = config.IsMoeLayer(layer) ? MoeFeedForward(layer) : Mlp(layer);
        return new DecoderLayer(
            Norm(Qwen3WeightNames.InputNorm(layer)), attention, Norm(Qwen3WeightNames.PostAttentionNorm(layer)), feedForward);
    }

    public Linear Linear(string name)
    {
        var shape = weights.GetInfo(name).Shape;
        return new Linear(Read(name), checked((int)shape[0]), checked((int)shape[1]));
    }

    public RmsNorm Norm(string name) => new(Read(name), (float)config.RmsNormEps);

    private Mlp Mlp(int layer) => new(
        Linear(Qwen3WeightNames.GateProj(layer)), Linear(Qwen3WeightNames.UpProj(layer)), Linear(Qwen3WeightNames.DownProj(layer)));

    private MoeFeedForward MoeFeedForward(int layer)
    {
        var experts = Enumerable.Range(0, config.NumExperts)
            .Select(e => new Mlp(
                Linear(Qwen3WeightNames.ExpertGateProj(layer, e)),
                Linear(Qwen3WeightNames.ExpertUpProj(layer, e)),
                Linear(Qwen3WeightNames.ExpertDownProj(layer, e))))
            .ToArray();
        return new MoeFeedForward(Linear(Qwen3WeightNames.Router(layer)), experts, config.NumExpertsPerTok, config.NormTopkProb);
    }

    private float[] Read(string name)
    {
        var values = new float[checked((int)weights.GetInfo(name).ElementCount)];
        weights.ReadFloat32(name, 0, values);
        return values;
    }
}
