using Dixie.Bff.Features.Chat.Streaming;

namespace Dixie.Bff.Features.Chat;

/// <summary>Where `POST /api/chat` hands a streaming request to the SSE transport (spec 05 §3).</summary>
public static class ChatStreamingGate
{
    /// <summary>Runs the stream; the response has been written when this returns.</summary>
    public static async Task<IResult> StreamAsync(HttpContext context, ChatTurnRequest turn, CancellationToken ct)
    {
        await context.RequestServices.GetRequiredService<ChatStreaming>().StreamAsync(context, turn, ct);
        return Results.Empty;
    }

    /// <summary>Streaming is chosen by `stream: true` or an `Accept` that lists `text/event-stream`.</summary>
    public static bool IsRequested(HttpRequest request, ChatRequestBody body) =>
        body.Stream || request.Headers.Accept.Any(value => value?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true);
}
