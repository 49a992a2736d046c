using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Dixie.Bff.Tests.Streaming;

/// <summary>One item of an event stream: an event with its JSON data, or a comment line (`: keep-alive`).</summary>
public sealed record SseItem(string? Event, JsonElement Data, string? Comment)
{
    public override string ToString() => Event is null ? $": {Comment}" : $"{Event} {Data.GetRawText()}";
}

/// <summary>Reads a `text/event-stream` response as the browser's EventSource would, item by item.</summary>
public sealed class SseEvents(HttpResponseMessage response, Stream body) : IAsyncDisposable
{
    private readonly StreamReader _reader = new(body, Encoding.UTF8);

    public HttpResponseMessage Response { get; } = response;

    /// <summary>Posts to the stream endpoint and returns once the headers arrived (any status).</summary>
    public static async Task<SseEvents> OpenAsync(HttpClient client, string path, object body, string? requestId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (requestId is not null) request.Headers.Add("X-Request-Id", requestId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new SseEvents(response, await response.Content.ReadAsStreamAsync());
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    /// <summary>The next item, or null at the end of the stream.</summary>
    public async Task<SseItem?> NextAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        string? name = null;
        string? data = null;
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancel.Token);
            if (line is null) return null;
            if (line.Length == 0)
            {
                if (name is null) continue;
                return new SseItem(name, JsonDocument.Parse(data ?? "null").RootElement.Clone(), null);
            }
            if (line.StartsWith(':'))
            {
                var comment = line[1..].Trim();
                await _reader.ReadLineAsync(cancel.Token);
                return new SseItem(null, default, comment);
            }
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line["data: ".Length..];
            else throw new InvalidDataException($"unexpected line in the event stream: {line}");
        }
    }

    /// <summary>The whole body as text, for answers that are not a stream.</summary>
    public Task<string> BodyAsync() => _reader.ReadToEndAsync();

    /// <summary>Every event up to the end of the stream (comments skipped).</summary>
    public async Task<List<SseItem>> ReadToEndAsync(TimeSpan? timeout = null)
    {
        var items = new List<SseItem>();
        while (await NextAsync(timeout) is { } item)
        {
            if (item.Event is not null) items.Add(item);
        }
        return items;
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        Response.Dispose();
        await Task.CompletedTask;
    }
}
