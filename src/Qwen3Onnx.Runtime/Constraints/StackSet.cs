namespace Qwen3Onnx.Runtime.Constraints;

/// <summary>
/// The parser's state: the set of grammar stacks still alive (several while alternatives are undecided). Each stack
/// is a run of frames of <see cref="GrammarMachine.FrameSize"/> ints (node, position, count) stored flat; an empty
/// stack means the grammar is complete. Buffers grow and are reused, so stepping allocates nothing once warm.
/// </summary>
internal sealed class StackSet
{
    private int[] _data = new int[64];
    private int[] _starts = new int[8];
    private int[] _lengths = new int[8];
    private int _used;

    public int Count { get; private set; }

    public bool IsEmpty => Count == 0;

    public ReadOnlySpan<int> Stack(int index) => _data.AsSpan(_starts[index], _lengths[index]);

    public bool HasComplete
    {
        get
        {
            for (int i = 0; i < Count; i++)
            {
                if (_lengths[i] == 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public void Clear()
    {
        Count = 0;
        _used = 0;
    }

    /// <summary>Adds <paramref name="stack"/> unless an identical one is already here.</summary>
    public void Add(ReadOnlySpan<int> stack)
    {
        for (int i = 0; i < Count; i++)
        {
            if (Stack(i).SequenceEqual(stack))
            {
                return;
            }
        }

        Push(stack);
    }

    /// <summary>Adds <paramref name="stack"/> even if it is already here (a work list, not a state).</summary>
    public void Push(ReadOnlySpan<int> stack)
    {
        if (_used + stack.Length > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(_data.Length * 2, _used + stack.Length));
        }

        if (Count == _starts.Length)
        {
            Array.Resize(ref _starts, Count * 2);
            Array.Resize(ref _lengths, Count * 2);
        }

        stack.CopyTo(_data.AsSpan(_used));
        _starts[Count] = _used;
        _lengths[Count] = stack.Length;
        _used += stack.Length;
        Count++;
    }

    /// <summary>Removes the last stack, copying it into <paramref name="destination"/>; returns its length.</summary>
    public int Pop(Span<int> destination)
    {
        Count--;
        int length = _lengths[Count];
        _data.AsSpan(_starts[Count], length).CopyTo(destination);
        _used = _starts[Count];
        return length;
    }

    public void CopyFrom(StackSet other)
    {
        Clear();
        for (int i = 0; i < other.Count; i++)
        {
            Push(other.Stack(i));
        }
    }
}
