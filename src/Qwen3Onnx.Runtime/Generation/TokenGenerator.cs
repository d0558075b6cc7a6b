using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Qwen3Onnx.Models;
using Qwen3Onnx.Runtime.Sampling;
using Qwen3Onnx.Runtime.Session;

namespace Qwen3Onnx.Runtime.Generation;

/// <summary>
/// The generation loop over token ids: prefill the (left-padded) batch, then one token per row per step,
/// feeding each step's <c>present</c> key/values back as <c>past</c>. Rows stop on an end-of-sequence id
/// or the token limit; finished rows ride along (the batch shape is fixed) but emit nothing.
/// </summary>
public sealed class TokenGenerator
{
    private readonly Qwen3Session _session;

    public TokenGenerator(Qwen3Session session)
    {
        _session = session;
    }

    public GenerationStats LastStats { get; private set; } = new();

    /// <summary>Runs to completion, returning each row's new ids (end-of-sequence token included) and finish reason.</summary>
    public (IReadOnlyList<IReadOnlyList<int>> Ids, IReadOnlyList<FinishReason> Finish) GenerateAll(GenerationRequest request, CancellationToken cancellation = default)
    {
        var ids = request.Prompts.Select(_ => new List<int>()).ToArray();
        var finish = new FinishReason[request.Prompts.Count];
        foreach (var token in Generate(request, cancellation))
        {
            ids[token.Row].Add(token.TokenId);
            if (token.Finish is { } reason)
            {
                finish[token.Row] = reason;
            }
        }

        return (ids, finish);
    }

    /// <summary>Streams tokens as they are produced; cancellation is honoured between steps and aborts a running step.</summary>
    public IEnumerable<TokenEvent> Generate(GenerationRequest request, CancellationToken cancellation = default)
    {
        Validate(request);
        var stats = new GenerationStats { PromptTokens = request.Prompts.Sum(p => p.Count) };
        LastStats = stats;
        int rows = request.Prompts.Count;
        var stopIds = new HashSet<int>(request.StopTokenIds ?? _session.Manifest.EosTokenIds);
        var samplers = new Sampler[rows];
        for (int row = 0; row < rows; row++)
        {
            samplers[row] = new Sampler(request.SamplingFor(row), _session.VocabSize);
            samplers[row].Reset(request.Prompts[row].ToArray());
        }

        var batch = new LeftPaddedBatch(request.Prompts, LeftPaddedBatch.PaddingIdFor(_session));
        int maxNew = Math.Min(request.MaxNewTokens, _session.MaxSequenceLength - batch.Width);
        var produced = new int[rows];
        var finished = new bool[rows];
        var last = new int[rows];
        using var cache = _session.CreateCache(rows, capacity: batch.Width + maxNew);
        using var abort = cancellation.Register(_session.Abort);
        var clock = Stopwatch.StartNew();
        var step = batch.Prefill;
        for (int index = 0; index < maxNew; index++)
        {
            for (int row = 0; row < rows; row++)
            {
                if (!finished[row])
                {
                    samplers[row].PrefetchMask();
                }
            }

            long runStart = Stopwatch.GetTimestamp();
            using (var output = Run(step, cache, cancellation))
            {
                if (index > 0)
                {
                    stats.DecodeRun += Stopwatch.GetElapsedTime(runStart);
                }

                long sampleStart = Stopwatch.GetTimestamp();
                RowSampling.SampleUnfinished(output, samplers, finished, last);

                stats.Sampling += Stopwatch.GetElapsedTime(sampleStart);
            }

            for (int row = 0; row < rows; row++)
            {
                if (finished[row])
                {
                    continue;
                }

                samplers[row].Accept(last[row]);
                produced[row]++;
                stats.GeneratedTokens++;
                bool eos = stopIds.Contains(last[row]);
                FinishReason? reason = eos ? FinishReason.Stop : produced[row] == maxNew ? FinishReason.Length : null;
                finished[row] = reason is not null;
                yield return new TokenEvent(row, last[row], eos, reason) { Logprobs = samplers[row].LastLogprobs };
            }

            if (index == 0)
            {
                stats.Prefill = clock.Elapsed;
                stats.FirstStepTokens = stats.GeneratedTokens;
                clock.Restart();
            }
            else
            {
                stats.DecodeSteps++;
                stats.Decode = clock.Elapsed;
            }

            if (finished.All(f => f))
            {
                yield break;
            }

            step = batch.Next(last);
        }
    }

    private ForwardOutput Run(ForwardBatch step, KvCache cache, CancellationToken cancellation)
    {
        try
        {
            return _session.Forward(step, cache, cancellation);
        }
        catch (OnnxRuntimeException) when (cancellation.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellation);
        }
    }

    private void Validate(GenerationRequest request)
    {
        if (request.Prompts.Count == 0)
        {
            throw new ArgumentException("at least one prompt is needed", nameof(request));
        }

        if (request.RowSampling is { } perRow && perRow.Count != request.Prompts.Count)
        {
            throw new ArgumentException($"{perRow.Count} sampling options for {request.Prompts.Count} rows", nameof(request));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.MaxNewTokens);
        int longest = request.Prompts.Max(p => p.Count);
        if (longest >= _session.MaxSequenceLength)
        {
            throw new Qwen3OnnxException($"prompt of {longest} tokens does not fit the model's context of {_session.MaxSequenceLength} tokens");
        }

        foreach (var prompt in request.Prompts)
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
}
