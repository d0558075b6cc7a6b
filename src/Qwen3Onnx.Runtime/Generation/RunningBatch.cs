using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Session;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>
/// The decode loop: a batch whose rows may change between steps (continuous batching), one token per producing row
/// per step, each step's <c>present</c> key/values fed back as <c>past</c>. <see cref="Qwen3Engine"/> drives it
/// for every caller.
/// </summary>
/// <remarks>
/// Newcomers are prefilled as their own left-padded batch. Into an empty batch they prefill straight into the
/// session's cache (the fixed in-place buffers where the session uses them, sized for their whole generation);
/// into a running batch their key/values are merged with the running ones right-aligned, the shorter side padded
/// on the left with zero key/values under mask 0. A row's positions count only its own tokens, so padding does not
/// change what it produces. Rows that finish or are removed leave at the next step boundary: their slice of the
/// cache goes and leading columns that are padding in every remaining row are trimmed. After such a change the
/// rows move back into fixed buffers sized for what they still need, so every decode step between changes takes
/// the in-place path. A cache in accelerator memory cannot be reshaped on the host: then rows join only an empty
/// batch and rows that leave ride along silently (fed, never sampled) until every row has left.
/// </remarks>
public sealed class RunningBatch : IDisposable
{
    private readonly Qwen3Session _session;
    private readonly HashSet<int> _endOfSequenceIds;
    private readonly List<BatchRow> _rows = [];
    private readonly Action _abort;
    private readonly StepScratch _scratch;
    private KvCache? _cache;
    private int _nextId;

    public RunningBatch(Qwen3Session session)
    {
        _session = session;
        _endOfSequenceIds = [.. session.Manifest.EosTokenIds];
        _abort = session.Abort;
        _scratch = new StepScratch(SampleRow);
    }

    /// <summary>Whether rows can join while others are decoding (not when the cache lives on a device).</summary>
    public bool CanAdmitMidBatch => !_session.KeepsCacheOnDevice;

    /// <summary>Rows still producing tokens.</summary>
    public int Count => _rows.Count(row => !row.IsLeaving);

    /// <summary>Columns in the cache: the longest row's tokens (plus, on a device, those of rows riding along).</summary>
    public int Width => _cache?.Length ?? 0;

    /// <summary>Whether the batch decodes in place in fixed buffers (else its cache grows each step).</summary>
    public bool DecodesInPlace => _cache?.Capacity is not null;

    /// <summary>Counts and timings since the batch was made (time inside <see cref="Admit"/> counts as prefill, inside <see cref="Step"/> as decode).</summary>
    public GenerationStats Stats { get; } = new();

    /// <summary>
    /// Prefills the newcomers and merges them in; returns each one's first token, in request order (the event's
    /// <see cref="TokenEvent.Row"/> is the row's id in this batch). A failure leaves the running rows untouched.
    /// </summary>
    public IReadOnlyList<TokenEvent> Admit(IReadOnlyList<BatchRowRequest> requests, CancellationToken cancellation = default)
    {
        Validate(requests);
        DropLeavers();
        if (_rows.Count > 0 && !CanAdmitMidBatch)
        {
            throw new NotSupportedException("rows can join only an empty batch while the key/value cache lives on a device");
        }

        long start = Stopwatch.GetTimestamp();
        var prefill = new LeftPaddedBatch([.. requests.Select(request => request.Prompt)], LeftPaddedBatch.PaddingIdFor(_session));
        var newcomers = requests.Select(request => NewRow(request, prefill.Width)).ToList();
        KvCache? cache = _rows.Count > 0
            ? _session.CreateCache(requests.Count)
            : _session.CreateCache(requests.Count, capacity: Math.Min(_session.MaxSequenceLength, prefill.Width + newcomers.Max(row => row.MaxNewTokens)));
        newcomers.ForEach(row => row.Sampler.PrefetchMask());
        try
        {
            List<TokenEvent> events;
            using (var output = Run(prefill.Prefill, cache, cancellation))
            {
                events = [.. Sample(newcomers, output, cache.Length)];
            }

            Join(newcomers, cache);
            cache = null;
            ClearIfDrained();
            Stats.PromptTokens += requests.Sum(request => request.Prompt.Count);
            Stats.GeneratedTokens += events.Count;
            Stats.FirstStepTokens += events.Count;
            Stats.Prefill += Stopwatch.GetElapsedTime(start);
            return events;
        }
        finally
        {
            cache?.Dispose();
        }
    }

    /// <summary>
    /// One decode step for every row; returns one token per row still producing, in a list the batch reuses (read it
    /// before the next <see cref="Step"/>): the loop allocates nothing per step.
    /// </summary>
    public IReadOnlyList<TokenEvent> Step(CancellationToken cancellation = default)
    {
        long start = Stopwatch.GetTimestamp();
        DropLeavers();
        if (_cache is null)
        {
            return [];
        }

        foreach (var row in _rows)
        {
            if (!row.IsLeaving)
            {
                row.Sampler.PrefetchMask();
            }
        }

        List<TokenEvent> events;
        long runStart = Stopwatch.GetTimestamp();
        using (var output = Run(NextInputs(), _cache, cancellation))
        {
            long sampleStart = Stopwatch.GetTimestamp();
            Stats.DecodeRun += Stopwatch.GetElapsedTime(runStart, sampleStart);
            events = Sample(_rows, output, _cache.Length);
            Stats.Sampling += Stopwatch.GetElapsedTime(sampleStart);
        }

        ClearIfDrained();
        Stats.GeneratedTokens += events.Count;
        Stats.DecodeSteps++;
        Stats.Decode += Stopwatch.GetElapsedTime(start);
        return events;
    }

    /// <summary>Stops a row: it emits nothing more and leaves the cache at the next step. False if it is not producing.</summary>
    public bool Remove(int rowId)
    {
        var row = _rows.Find(row => row.Id == rowId && !row.IsLeaving);
        if (row is null)
        {
            return false;
        }

        row.IsLeaving = true;
        return true;
    }

    public void Dispose() => Clear();

    private BatchRow NewRow(BatchRowRequest request, int width)
    {
        var sampler = new Sampler(request.Sampling, _session.VocabSize);
        sampler.Reset([.. request.Prompt]);
        int maxNew = Math.Min(request.MaxNewTokens, _session.MaxSequenceLength - request.Prompt.Count);
        IReadOnlySet<int> stopIds = request.StopTokenIds is { } ids ? ids.ToHashSet() : _endOfSequenceIds;
        return new BatchRow(_nextId++, sampler, maxNew, stopIds) { Padding = width - request.Prompt.Count };
    }

    /// <summary>
    /// Samples each producing row from its logits row; <paramref name="width"/> is the cache length after the step.
    /// Rows are independent (each owns its sampler and state), so they sample on parallel threads through
    /// <see cref="RowSampling"/>; the events keep the rows' order, in the scratch list.
    /// </summary>
    private List<TokenEvent> Sample(List<BatchRow> rows, ForwardOutput output, int width)
    {
        var scratch = _scratch;
        scratch.Begin(rows, output, width);
        try
        {
            RowSampling.ForEachRow(rows.Count, scratch.SampleRow);
            return scratch.CollectEvents();
        }
        finally
        {
            scratch.End();
        }
    }

    private void SampleRow(int index)
    {
        var scratch = _scratch;
        var row = scratch.Rows![index];
        if (!row.IsLeaving)
        {
            scratch.Emitted[index] = Emit(row, scratch.Output!.LastLogits(index), scratch.Width);
        }
    }

    /// <summary>
    /// A row ends on a stop id, at its own limit, or when the batch's cache fills the context (only rows riding
    /// along on a device can make the batch wider than its longest producing row).
    /// </summary>
    private TokenEvent Emit(BatchRow row, ReadOnlySpan<float> logits, int width)
    {
        int token = row.Sampler.Sample(logits);
        row.Sampler.Accept(token);
        row.Produced++;
        row.LastToken = token;
        bool eos = row.StopIds.Contains(token);
        FinishReason? reason = eos ? FinishReason.Stop
            : row.Produced >= row.MaxNewTokens || width >= _session.MaxSequenceLength ? FinishReason.Length
            : null;
        row.IsLeaving = reason is not null;
        return new TokenEvent(row.Id, token, eos, reason) { Logprobs = row.Sampler.LastLogprobs };
    }

    /// <summary>
    /// Feeds every row its last token; row i's mask is 0 over its padding and 1 after, its position its token count.
    /// Written into the scratch arrays, which only grow (a fixed cache's capacity at once), not allocated per step.
    /// </summary>
    private ForwardBatch NextInputs()
    {
        int rows = _rows.Count;
        int width = Width + 1;
        var (ids, mask, positions) = _scratch.StepArrays(rows, width, _cache!.Capacity ?? 0);
        for (int index = 0; index < rows; index++)
        {
            var row = _rows[index];
            ids[index] = row.LastToken;
            positions[index] = row.NextPosition(Width);
            var rowMask = mask.AsSpan(index * width, width);
            rowMask[..row.Padding].Clear();
            rowMask[row.Padding..].Fill(1);
        }

        return new ForwardBatch(ids, mask, positions, rows) { TotalLength = width };
    }

    /// <summary>Takes ownership of the newcomers' prefilled cache, merging it with the running one when there is one.</summary>
    private void Join(List<BatchRow> newcomers, KvCache cache)
    {
        if (_cache is null)
        {
            _cache = cache;
            _rows.AddRange(newcomers);
            return;
        }

        int width = Math.Max(_cache.Length, cache.Length);
        var sources = _rows.Select((_, index) => new KvRowSource(_cache, index))
            .Concat(newcomers.Select((_, index) => new KvRowSource(cache, index)))
            .ToList();
        var merged = KvCacheRows.Gather(sources, width);
        Pad(_rows, width - _cache.Length);
        Pad(newcomers, width - cache.Length);
        _rows.AddRange(newcomers);
        cache.Dispose();
        Settle(merged);
    }

    /// <summary>Drops finished and removed rows from the cache and trims the columns no remaining row needs.</summary>
    private void DropLeavers()
    {
        if (_rows.TrueForAll(row => !row.IsLeaving))
        {
            return;
        }

        if (_rows.TrueForAll(row => row.IsLeaving))
        {
            Clear();
            return;
        }

        if (!CanAdmitMidBatch)
        {
            return;
        }

        var staying = Enumerable.Range(0, _rows.Count).Where(index => !_rows[index].IsLeaving).ToList();
        int trim = staying.Min(index => _rows[index].Padding);
        var sliced = KvCacheRows.Gather([.. staying.Select(index => new KvRowSource(_cache!, index))], Width - trim);
        _rows.RemoveAll(row => row.IsLeaving);
        Pad(_rows, -trim);
        Settle(sliced);
    }

    /// <summary>
    /// Makes <paramref name="rows"/> (a host cache of exactly the current rows) the batch's cache, in fixed buffers with
    /// room for every row's remaining tokens when the session decodes in place.
    /// </summary>
    private void Settle(KvCache rows)
    {
        // The old cache goes first: fixed buffers of another shape replace it. Until Refit succeeds the rows stay usable.
        _cache?.Dispose();
        _cache = rows;
        int needed = rows.Length + _rows.Max(row => row.MaxNewTokens - row.Produced);
        _cache = _session.Refit(rows, needed);
    }

    /// <summary>Frees the cache as soon as the last row has finished, rather than at the next call.</summary>
    private void ClearIfDrained()
    {
        if (_rows.TrueForAll(row => row.IsLeaving))
        {
            Clear();
        }
    }

    private static void Pad(List<BatchRow> rows, int columns)
    {
        foreach (var row in rows)
        {
            row.Padding += columns;
        }
    }

    private void Clear()
    {
        _cache?.Dispose();
        _cache = null;
        _rows.Clear();
    }

    private ForwardOutput Run(ForwardBatch step, KvCache cache, CancellationToken cancellation)
    {
        using var abort = cancellation.Register(_abort);
        try
        {
            return _session.Forward(step, cache, cancellation);
        }
        catch (OnnxRuntimeException) when (cancellation.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellation);
        }
    }

    /// <summary>Refuses rows this batch cannot take; reads only the session's fixed facts, so any thread may call it.</summary>
    internal void Validate(IReadOnlyList<BatchRowRequest> requests)
    {
        ArgumentOutOfRangeException.ThrowIfZero(requests.Count);
        foreach (var request in requests)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.MaxNewTokens);
            if (request.Prompt.Count == 0)
            {
                throw new ArgumentException("every row needs at least one prompt token", nameof(requests));
            }

            if (request.Prompt.Count >= _session.MaxSequenceLength)
            {
                throw new Qwen3OnnxException($"prompt of {request.Prompt.Count} tokens does not fit the model's context of {_session.MaxSequenceLength} tokens");
            }

            EnsureInVocabulary(request.Prompt);
        }
    }

    private void EnsureInVocabulary(IReadOnlyList<int> prompt)
    {
        foreach (int id in prompt)
        {
            if ((uint)id >= (uint)_session.VocabSize)
            {
                throw new Qwen3OnnxException($"prompt token id {id} is outside the model's vocabulary of {_session.VocabSize}");
            }
        }
    }
}
