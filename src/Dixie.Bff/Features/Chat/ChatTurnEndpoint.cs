using System.Diagnostics;
using System.Text.Json;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Identity;
using Dixie.Bff.Infrastructure.Outbox;

namespace Dixie.Bff.Features.Chat;

/// <summary>
/// `POST /api/chat` (spec 05 §2): validation, then either the streaming hand-over or the JSON flow —
/// create or check the session, send the prompt, record the turn, answer with finn's reply.
/// </summary>
public static class ChatTurnEndpoint
{
    private static readonly JsonElement NoToolCalls = JsonDocument.Parse("[]").RootElement.Clone();

    public static async Task<IResult> HandleAsync(HttpContext context, FinnClient finn, ChatSessionStore store, ChatLog log, CancellationToken ct)
    {
        if (ChatOwner.Of(RequestIdentity.Of(context)) is not { } owner)
            return ApiErrors.Result(StatusCodes.Status403Forbidden, "forbidden", "Not authorized");
        if (JsonBody.HasWrongMediaType(context.Request)) return JsonBody.UnsupportedMediaType();
        var (body, problem) = await ChatRequestBody.ReadAsync(context.Request, ct);
        if (body is null) return ApiErrors.Result(StatusCodes.Status400BadRequest, "invalid_request", problem!);

        var turn = new ChatTurnRequest(owner, body.Prompt, body.SessionId);
        if (ChatStreamingGate.IsRequested(context.Request, body))
            return await ChatStreamingGate.StreamAsync(context, turn, ct);

        var started = Stopwatch.GetTimestamp();
        var flow = new JsonTurn(context, finn, store, log, turn, started);
        try
        {
            return await flow.RunAsync(ct);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left: the finn call was cancelled with it, nothing is recorded.
            log.Turn("http", "disconnected", Stopwatch.GetElapsedTime(started), flow.SessionId, owner);
            return Results.Empty;
        }
    }

    private sealed class JsonTurn(HttpContext context, FinnClient finn, ChatSessionStore store, ChatLog log, ChatTurnRequest turn, long started)
    {
        private readonly FinnCallContext _caller = ChatFinnCaller.For(context, turn.Owner);

        public string? SessionId { get; private set; } = turn.SessionId;

        public async Task<IResult> RunAsync(CancellationToken ct)
        {
            var createdHere = false;
            if (SessionId is null)
            {
                var created = await CreateSessionAsync(ct);
                if (created.Failure is { } failure) return Failed(failure);
                SessionId = created.SessionId;
                createdHere = true;
            }
            else if (await store.FindOwnedAsync(SessionId, turn.Owner, ct) is null)
            {
                return Failed(SessionEndpoints.NotFound());
            }

            var retryIn = createdHere ? SessionId : null;
            FinnResponse<FinnMessageReply> reply;
            try
            {
                reply = await finn.SendMessageAsync(SessionId!, turn.Prompt, _caller, ct);
            }
            catch (FinnCallException failure)
            {
                return Failed(FinnErrors.ToResult(failure, retryIn));
            }
            if (reply.Value is not { } answer) return Failed(FinnErrors.ToResult(FinnErrors.ForAnswer(reply.Status, reply.Code), retryIn));

            var latency = Stopwatch.GetElapsedTime(started);
            await RecordAsync(answer, createdHere, latency);
            log.Turn("http", "ok", latency, SessionId, turn.Owner);
            context.Response.Headers["X-Session-Id"] = SessionId;
            var toolCalls = answer.ToolCalls is { ValueKind: JsonValueKind.Array } calls ? calls : NoToolCalls;
            return TypedResults.Json(new ChatReply(SessionId!, context.TraceIdentifier, answer.Response, toolCalls), ChatJson.Wire.ChatReply);
        }

        /// <summary>Steps 1–2 of §2.2: finn creates the session, then dixie records who owns it.</summary>
        private async Task<(string? SessionId, IResult? Failure)> CreateSessionAsync(CancellationToken ct)
        {
            FinnResponse<FinnSessionCreated> created;
            try
            {
                created = await finn.CreateSessionAsync(FinnNewSession.Oracle, _caller, ct);
            }
            catch (FinnCallException failure)
            {
                return (null, FinnErrors.ToResult(failure));
            }
            if (created.Value is not { } session) return (null, FinnErrors.ToResult(FinnErrors.ForAnswer(created.Status, created.Code)));
            // A reused id already belongs to someone: answering in it would hand over their session.
            if (!await store.CreateAsync(session.SessionId, turn.Owner, ct)) return (null, FinnErrors.ToResult(FinnErrors.Malformed));
            return (session.SessionId, null);
        }

        /// <summary>Step 4: the count and the signal commit together; a database failure costs the record, not the answer.</summary>
        private async Task RecordAsync(FinnMessageReply answer, bool newSession, TimeSpan latency)
        {
            try
            {
                await store.RecordTurnAsync(new ChatInteractionSignal
                {
                    SessionId = SessionId!,
                    MessageId = context.TraceIdentifier,
                    NewSession = newSession,
                    CallerKind = turn.Owner.Kind,
                    WalletHash = turn.Owner.WalletHash,
                    Streamed = false,
                    Model = null,
                    LatencyMs = (long)latency.TotalMilliseconds,
                    PromptChars = turn.Prompt.Length,
                    ResponseChars = answer.Response.Length,
                    ToolCalls = answer.ToolCallCount,
                });
            }
            catch (Exception ex)
            {
                log.RecordFailed(SessionId!, ex);
            }
        }

        private IResult Failed(IResult result)
        {
            log.Turn("http", "error", Stopwatch.GetElapsedTime(started), SessionId, turn.Owner);
            return result;
        }
    }
}
