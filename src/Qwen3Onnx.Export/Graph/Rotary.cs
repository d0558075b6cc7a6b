using Qwen3Onnx.Models.Config;
using Qwen3Onnx.Onnx;
using DataType = Qwen3Onnx.Onnx.Proto.TensorProto.Types.DataType;

namespace Qwen3Onnx.Export.Graph;

/// <summary>
/// Rotary position embedding, rotate-half layout. cos/sin are gathered once per graph by position_ids from the
/// [max_len, D/2] tables and duplicated to D:
/// <code>
///   x ─┬──────────────────────────────── Mul(cos) ─┐
///      └─ Slice x1, x2 ─ Concat(-x2, x1) ─ Mul(sin) ─ Add   = [x1·cos − x2·sin, x2·cos + x1·sin]
/// </code>
/// </summary>
internal sealed class Rotary
{
    private readonly GraphBuilder _g;
    private readonly int _headDim;
    private readonly OnnxValue _cos;
    private readonly OnnxValue _sin;

    public Rotary(GraphBuilder g, Qwen3Config config, ModelInputs inputs, (OnnxValue Cos, OnnxValue Sin) tables, RotaryLayout layout)
    {
        _g = g;
        _headDim = config.HeadDim;
        using var scope = g.Scope("rotary");
        _cos = ForPositions(tables.Cos, inputs.PositionIds, layout);
        _sin = ForPositions(tables.Sin, inputs.PositionIds, layout);
    }

    /// <summary>Rotates x, [B, H, S, D] or [B, S, H, D] as the layout says.</summary>
    public OnnxValue Apply(OnnxValue x)
    {
        int half = _headDim / 2;
        var x1 = _g.Slice(x, -1, 0, half, half);
        var x2 = _g.Slice(x, -1, half, _headDim, half);
        var rotated = _g.Concat(-1, _headDim, _g.Neg(x2), x1);
        return _g.Add(_g.Mul(x, _cos), _g.Mul(rotated, _sin));
    }

    /// <summary>table [max_len, D/2] gathered by position_ids [B, S] → [B, S, D] with a unit heads axis, in the activation dtype.</summary>
    private OnnxValue ForPositions(OnnxValue table, OnnxValue positionIds, RotaryLayout layout)
    {
        var halfRow = _g.Gather(table, positionIds);                 // [B, S, D/2]
        var row = _g.Concat(-1, _headDim, halfRow, halfRow);          // [B, S, D]
        return _g.Cast(_g.Unsqueeze(row, layout.HeadsAxis), layout.ActivationType);
    }
}
