using Dixie.Bff.Infrastructure.Http;

namespace Dixie.Bff.Features.Chat;

/// <summary>
/// Where `POST /api/chat` hands a streaming request over (spec 05 §3). Until the SSE transport is
/// wired in, streaming requests are refused here, and only here.
/// </summary>
public static class ChatStreamingGate
{
    public static Task<IResult> StreamOrNotImplemented(HttpContext context, ChatTurnRequest turn, CancellationToken ct) =>
        Task.FromResult<IResult>(ApiErrors.Result(StatusCodes.Status501NotImplemented, "not_implemented", "Streaming is not available yet"));

    /// <summary>Streaming is chosen by `stream: true` or an `Accept` that lists `text/event-stream`.</summary>
    public static bool IsRequested(HttpRequest request, ChatRequestBody body) =>
        body.Stream || request.Headers.Accept.Any(value => value?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true);
}
