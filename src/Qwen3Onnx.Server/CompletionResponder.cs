using System.Text;
using Microsoft.AspNetCore.Http;
using Qwen3Onnx.Runtime;
using Qwen3Onnx.Runtime.Generation;
using Qwen3Onnx.Runtime.Text;

namespace Qwen3Onnx.Server;

/// <summary>
/// Answers one chat or text completion: submits the row, relays its tokens through the runtime's
/// <see cref="RowDecoder"/> (the one every caller uses), and writes either one JSON response or a stream of chunks,
/// a tool call streamed as soon as its block closes. A client that goes away cancels the row.
/// </summary>
internal sealed class CompletionResponder
{
    private readonly HttpContext _http;
    private readonly ServedModel _model;
    private readonly GenerationSettings _settings;
    private readonly bool _chat;
    private readonly RowDecoder _decoder;
    private readonly List<TextDelta> _deltas = [];
    private int _logprobsSent;
    private readonly string _id;
    private readonly long _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public CompletionResponder(HttpContext http, ServedModel model, GenerationSettings settings, bool chat)
    {
        _http = http;
        _model = model;
        _settings = settings;
        _chat = chat;
        _decoder = new RowDecoder(model.Tokenizer, settings.Stops, turn: chat, settings.Tools);
        _id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
    }

    private string ObjectName => _chat ? (_settings.Stream ? "chat.completion.chunk" : "chat.completion") : "text_completion";

    public async Task RespondAsync(Qwen3Engine engine)
    {
        var row = engine.Submit(new EngineRequest(new BatchRowRequest { Prompt = _settings.Prompt, Sampling = _settings.Sampling, MaxNewTokens = _settings.MaxTokens }));
        await using var cancel = _http.RequestAborted.Register(row.Cancel);
        try
        {
            await (_settings.Stream ? StreamAsync(row) : CollectAsync(row));
        }
        finally
        {
            row.Cancel();
        }
    }

    private async Task CollectAsync(EngineRequest row)
    {
        var content = new StringBuilder();
        var reasoning = new StringBuilder();
        FinishReason? finish = await RelayAsync(row, delta =>
        {
            (delta.IsReasoning ? reasoning : content).Append(delta.Text);
            return Task.CompletedTask;
        });
        var calls = _decoder.ToolCalls;
        string reason = ResponseShapes.FinishName(finish, calls.Count > 0);
        object choice = _chat
            ? new { index = 0, message = ResponseShapes.ChatMessage(content.ToString(), reasoning.ToString(), calls), logprobs = PendingLogprobs(), finish_reason = reason }
            : new { index = 0, text = content.ToString(), finish_reason = reason };
        await ResponseJson.WriteAsync(_http, 200, new { id = _id, @object = ObjectName, created = _created, model = _model.Name, choices = new[] { choice }, usage = Usage });
    }

    private async Task StreamAsync(EngineRequest row)
    {
        ResponseJson.StartEvents(_http);
        if (_chat)
        {
            await WriteChunkAsync(ResponseShapes.ChatDelta("assistant", "", null), null);
        }

        FinishReason? finish;
        try
        {
            finish = await RelayAsync(row, delta => WriteChunkAsync(Delta(delta), null));
        }
        catch (Exception ex) when (!_http.RequestAborted.IsCancellationRequested)
        {
            // The status line went out long ago: the error becomes the stream's last event, and [DONE] still ends it.
            var error = ApiException.From(ex);
            await ResponseJson.WriteEventAsync(_http, error.ToBody());
            await ResponseJson.WriteDoneAsync(_http);
            return;
        }

        if (row.IsCancelled && _http.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        object last = _chat ? ResponseShapes.ChatDelta(null, null, null) : "";
        await WriteChunkAsync(last, ResponseShapes.FinishName(finish, _decoder.ToolCalls.Count > 0));
        if (_settings.IncludeUsage)
        {
            await ResponseJson.WriteEventAsync(_http, new { id = _id, @object = ObjectName, created = _created, model = _model.Name, choices = Array.Empty<object>(), usage = Usage });
        }

        await ResponseJson.WriteDoneAsync(_http);
    }

    private object Usage => ResponseShapes.Usage(_settings.Prompt.Length, _decoder.TokenCount);

    private object Delta(TextDelta delta)
    {
        if (!_chat)
        {
            return delta.Text;
        }

        if (delta.ToolCall is { } call)
        {
            return ResponseShapes.ChatDelta(null, null, null, call, _decoder.ToolCalls.Count - 1);
        }

        return delta.IsReasoning ? ResponseShapes.ChatDelta(null, null, delta.Text) : ResponseShapes.ChatDelta(null, delta.Text, null);
    }

    private Task WriteChunkAsync(object delta, string? finishReason)
    {
        object choice = _chat
            ? new { index = 0, delta, logprobs = PendingLogprobs(), finish_reason = finishReason }
            : new { index = 0, text = (string)delta, finish_reason = finishReason };
        return ResponseJson.WriteEventAsync(_http, new { id = _id, @object = ObjectName, created = _created, model = _model.Name, choices = new[] { choice } });
    }

    /// <summary>The log-probabilities of the tokens not yet reported (a chunk carries those that arrived since the last one).</summary>
    private object? PendingLogprobs()
    {
        if (_settings.Sampling.TopLogprobs is null)
        {
            return null;
        }

        var all = _decoder.Logprobs;
        var pending = ResponseShapes.Logprobs(all.Skip(_logprobsSent), _model.Tokenizer);
        _logprobsSent = all.Count;
        return pending;
    }

    /// <summary>Feeds the row's tokens through the decoder until it finishes or a stop string ends it.</summary>
    private async Task<FinishReason?> RelayAsync(EngineRequest row, Func<TextDelta, Task> emit)
    {
        FinishReason? finish = null;
        await foreach (var token in row.Tokens.ReadAllAsync())
        {
            _decoder.Accept(token, _deltas);
            await EmitAsync(emit);
            finish = token.Finish ?? finish;
            if (_decoder.StoppedByString)
            {
                row.Cancel();
                finish = FinishReason.Stop;
                break;
            }
        }

        if (!_decoder.Done)
        {
            _decoder.Close(_deltas);
            await EmitAsync(emit);
        }

        return finish;
    }

    private async Task EmitAsync(Func<TextDelta, Task> emit)
    {
        foreach (var delta in _deltas)
        {
            await emit(delta);
        }

        _deltas.Clear();
    }
}
