using Dixie.FinnEmulator.Admin;
using Dixie.FinnEmulator.Faults;
using Dixie.FinnEmulator.Hosting;
using Dixie.FinnEmulator.Pipeline;
using Dixie.FinnEmulator.Replies;

namespace Dixie.FinnEmulator.Sessions;

/// <summary>finn's session routes (spec 11 §4).</summary>
public static class SessionsApi
{
    public const string Model = "finn-emulator";

    public static RouteGroupBuilder MapSessions(this RouteGroupBuilder finn)
    {
        finn.MapPost("/api/sessions", CreateAsync);
        finn.MapPost("/api/sessions/{id}/message", MessageAsync).CarriesText();
        finn.MapGet("/api/sessions", (HttpContext context, SessionStore sessions) =>
        {
            var list = sessions.MostRecentFirst().Select(s => new SessionSummary(s.Id, s.CreatedMs, s.LastActivityMs)).ToArray();
            return FinnResponses.WriteJsonAsync(context, 200, new SessionList(list), EmulatorJsonContext.Default.SessionList);
        });
        finn.MapGet("/api/sessions/{id}", (HttpContext context, string id, SessionStore sessions) =>
            sessions.Find(id) is { } session
                ? FinnResponses.WriteJsonAsync(context, 200,
                    new SessionDetail(session.Id, new SessionState(Model, "off"), session.IsStreaming, session.MessageCount),
                    EmulatorJsonContext.Default.SessionDetail)
                : SessionNotFoundAsync(context));
        return finn;
    }

    public static Task SessionNotFoundAsync(HttpContext context) =>
        FinnResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "Session not found", "SESSION_NOT_FOUND");

    // Every field of the body (agentId, prompt, token_id, …) is ignored, as is a body that is not JSON.
    private static Task CreateAsync(HttpContext context, SessionStore sessions)
    {
        var session = sessions.Create();
        var created = new SessionCreated(session.Id, Iso.Format(DateTimeOffset.FromUnixTimeMilliseconds(session.CreatedMs)),
            $"ws://{context.Request.Host.Value}/ws/{session.Id}");
        return FinnResponses.WriteJsonAsync(context, StatusCodes.Status201Created, created, EmulatorJsonContext.Default.SessionCreated);
    }

    private static async Task MessageAsync(HttpContext context, string id, SessionStore sessions, EmulatorOptions options)
    {
        // The session is checked before the body, as finn does.
        if (sessions.Find(id) is not { } session)
        {
            await SessionNotFoundAsync(context);
            return;
        }
        string? text;
        using (var body = JsonBody.ParseObject(BufferedBody.Of(context).Bytes))
        {
            text = JsonBody.NonBlankString(body, "text") ?? (options.Strict ? null : JsonBody.NonBlankString(body, "prompt"));
        }
        if (text is null)
        {
            await FinnResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Message text required", "INVALID_REQUEST");
            return;
        }
        if (FaultDirective.TryFindInText(text, out var directive, out var valid))
        {
            if (!valid)
            {
                await HttpFaults.WriteInvalidAsync(context);
                return;
            }
            if (await HttpFaults.ApplyAsync(context, directive))
            {
                return;
            }
        }
        ToolCall[] toolCalls = Reply.TriggersTool(text) ? [ToolCall.For(text)] : [];
        sessions.RecordExchange(session);
        await FinnResponses.WriteJsonAsync(context, 200, new MessageReply(Reply.For(text), toolCalls), EmulatorJsonContext.Default.MessageReply);
    }
}

public sealed record SessionCreated(string SessionId, string Created, string WsUrl);

public sealed record MessageReply(string Response, ToolCall[] ToolCalls);

public sealed record ToolCall(string Name, ToolArgs Args, string Result)
{
    public static ToolCall For(string text) => new(Reply.ToolName, new ToolArgs(text), Reply.Digest(text));
}

public sealed record ToolArgs(string Input);

public sealed record SessionList(SessionSummary[] Sessions);

public sealed record SessionSummary(string Id, long Created, long LastActivity);

public sealed record SessionDetail(string Id, SessionState State, bool IsStreaming, int MessageCount);

public sealed record SessionState(string Model, string ThinkingLevel);
