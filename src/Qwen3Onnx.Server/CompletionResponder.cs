using System.Text;
using Microsoft.AspNetCore.Http;
using Qwen3Onnx.Runtime.Generation;

namespace Qwen3Onnx.Server;

/// <summary>
/// Answers one chat or text completion: submits the row, relays its tokens through a <see cref="ChatTurn"/>, and
/// writes either one JSON response or a stream of chunks. A client that goes away cancels the row.
/// </summary>
internal sealed class CompletionResponder
{
    private readonly HttpContext _http;
    private readonly ServedModel _model;
    private readonly GenerationSettings _settings;
    private readonly bool _chat;
    private readonly ChatTurn _turn;
    private readonly string _id;
    private readonly long _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public CompletionResponder(HttpContext http, ServedModel model, GenerationSettings settings, bool chat)
    {
        _http = http;
        _model = model;
        _settings = settings;
        _chat = chat;
        _turn = new ChatTurn(model, settings.Stops, chat);
        _id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
    }

    private string ObjectName => _chat ? (_settings.Stream ? "chat.completion.chunk" : "chat.completion") : "text_completion";

    public async Task RespondAsync(BatchScheduler scheduler)
    {
        var row = scheduler.Submit(new ScheduledRow(_settings.Prompt, _settings.Sampling, _settings.MaxTokens));
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

    private async Task CollectAsync(ScheduledRow row)
    {
        var content = new StringBuilder();
        var reasoning = new StringBuilder();
        FinishReason? finish = await RelayAsync(row, delta =>
        {
            content.Append(delta.Content);
            reasoning.Append(delta.Reasoning);
            return Task.CompletedTask;
        });
        string reason = ResponseShapes.FinishName(finish, _turn.ToolCalls.Count > 0);
        object choice = _chat
            ? new { index = 0, message = ResponseShapes.ChatMessage(content.ToString(), reasoning.ToString(), _turn.ToolCalls), finish_reason = reason }
            : new { index = 0, text = content.ToString(), finish_reason = reason };
        await ResponseJson.WriteAsync(_http, 200, new { id = _id, @object = ObjectName, created = _created, model = _model.Name, choices = new[] { choice }, usage = Usage });
    }

    private async Task StreamAsync(ScheduledRow row)
    {
        ResponseJson.StartEvents(_http);
        if (_chat)
        {
            await WriteChunkAsync(ResponseShapes.ChatDelta("assistant", TextDelta.Empty, null), null);
        }

        FinishReason? finish;
        try
        {
            finish = await RelayAsync(row, delta => delta.IsEmpty ? Task.CompletedTask : WriteChunkAsync(Delta(delta), null));
        }
        catch (Exception ex) when (!_http.RequestAborted.IsCancellationRequested)
        {
            // The status line went out long ago: the error becomes the stream's last event, and [DONE] still ends it.
            var error = ex as ApiException ?? ApiException.GenerationFailed(ex);
            await ResponseJson.WriteEventAsync(_http, error.ToBody());
            await ResponseJson.WriteDoneAsync(_http);
            return;
        }

        if (row.IsCancelled && _http.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        bool calls = _turn.ToolCalls.Count > 0;
        object last = _chat ? ResponseShapes.ChatDelta(null, TextDelta.Empty, _turn.ToolCalls) : "";
        await WriteChunkAsync(last, ResponseShapes.FinishName(finish, calls));
        if (_settings.IncludeUsage)
        {
            await ResponseJson.WriteEventAsync(_http, new { id = _id, @object = ObjectName, created = _created, model = _model.Name, choices = Array.Empty<object>(), usage = Usage });
        }

        await ResponseJson.WriteDoneAsync(_http);
    }

    private object Usage => ResponseShapes.Usage(_settings.Prompt.Length, _turn.CompletionTokens);

    private object Delta(TextDelta delta) => _chat ? ResponseShapes.ChatDelta(null, delta, null) : delta.Content;

    private Task WriteChunkAsync(object delta, string? finishReason)
    {
        object choice = _chat
            ? new { index = 0, delta, finish_reason = finishReason }
            : new { index = 0, text = (string)delta, finish_reason = finishReason };
        return ResponseJson.WriteEventAsync(_http, new { id = _id, @object = ObjectName, created = _created, model = _model.Name, choices = new[] { choice } });
    }

    /// <summary>Feeds the row's tokens through the turn until it finishes or a stop string ends it.</summary>
    private async Task<FinishReason?> RelayAsync(ScheduledRow row, Func<TextDelta, Task> emit)
    {
        FinishReason? finish = null;
        await foreach (var token in row.Tokens.ReadAllAsync())
        {
            await emit(_turn.Accept(token));
            finish = token.Finish ?? finish;
            if (_turn.StoppedByString)
            {
                row.Cancel();
                finish = FinishReason.Stop;
                break;
            }
        }

        await emit(_turn.Finish());
        return finish;
    }
}
