using Qwen3Onnx.Runtime.Session;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>
/// What a <see cref="RunningBatch"/> step writes and reuses instead of allocating: the step's input arrays, the rows'
/// sampled events, and the state the parallel per-row sampling reads (a cached delegate over fields, where a lambda
/// would allocate a closure each step).
/// </summary>
internal sealed class StepScratch(Action<int> sampleRow)
{
    private readonly List<TokenEvent> _events = [];
    private long[] _ids = [];
    private long[] _positions = [];
    private long[] _mask = [];

    /// <summary>The batch's per-row sampling, made once.</summary>
    public Action<int> SampleRow { get; } = sampleRow;

    public List<BatchRow>? Rows { get; private set; }

    public ForwardOutput? Output { get; private set; }

    public int Width { get; private set; }

    /// <summary>Row i's event, or null when it is leaving; one slot per row.</summary>
    public TokenEvent?[] Emitted { get; private set; } = [];

    /// <summary>
    /// Ids and positions of exactly <paramref name="rows"/> entries, and a mask with room for rows × width (its first
    /// rows × width entries are the step's); the mask grows to rows × <paramref name="capacity"/> at once when the cache
    /// has one, else to twice what is needed.
    /// </summary>
    public (long[] Ids, long[] Mask, long[] Positions) StepArrays(int rows, int width, int capacity)
    {
        if (_ids.Length != rows)
        {
            _ids = new long[rows];
            _positions = new long[rows];
        }

        if (_mask.Length < rows * width)
        {
            _mask = new long[rows * Math.Max(capacity, 2 * width)];
        }

        return (_ids, _mask, _positions);
    }

    public void Begin(List<BatchRow> rows, ForwardOutput output, int width)
    {
        if (Emitted.Length < rows.Count)
        {
            Emitted = new TokenEvent?[rows.Count];
        }

        (Rows, Output, Width) = (rows, output, width);
    }

    /// <summary>The rows' events in row order (<see cref="End"/> empties the slots).</summary>
    public List<TokenEvent> CollectEvents()
    {
        _events.Clear();
        for (int index = 0; index < Rows!.Count; index++)
        {
            if (Emitted[index] is { } produced)
            {
                _events.Add(produced);
            }
        }

        return _events;
    }

    /// <summary>Lets go of the step's rows and output and empties the slots (also those a failed sampling left).</summary>
    public void End()
    {
        (Rows, Output) = (null, null);
        Array.Clear(Emitted);
    }
}
