using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Http;

namespace Dixie.Bff.Features.Chat;

/// <summary>`/api/chat` and `/api/sessions` (spec 05 §2, §4), behind the allowlist gate.</summary>
public static class ChatApi
{
    public static IEndpointRouteBuilder MapChat(this IEndpointRouteBuilder app)
    {
        // No Accepts(): with one, routing would answer a wrong Content-Type before the caller's identity is
        // checked. The handler answers 415 itself (spec 02 §13.3) after the 403, then reads the body.
        app.MapPost("/api/chat", ChatTurnEndpoint.HandleAsync)
            .WithTags("chat")
            .WithName("Chat")
            .WithSummary("Send a prompt to the oracle, in a new session or one of the caller's own; streams with stream:true or Accept: text/event-stream")
            .AddOpenApiOperationTransformer(async (operation, context, ct) =>
            {
                operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(ChatRequestDocument), null, ct) },
                    },
                };
            })
            .Produces<ChatReply>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status402PaymentRequired)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status415UnsupportedMediaType)
            .Produces<FinnErrorBody>(StatusCodes.Status429TooManyRequests)
            .Produces<FinnErrorBody>(StatusCodes.Status502BadGateway)
            .Produces<FinnErrorBody>(StatusCodes.Status503ServiceUnavailable);

        var sessions = app.MapGroup("/api/sessions").WithTags("sessions");
        sessions.MapGet("/", SessionEndpoints.ListAsync)
            .WithName("ListSessions")
            .WithSummary("The caller's own chat sessions, newest activity first (limit 1-100, default 50)")
            .Produces<SessionList>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest);
        sessions.MapGet("/{id}", SessionEndpoints.DetailAsync)
            .WithName("GetSession")
            .WithSummary("One of the caller's sessions with finn's live state (state null when finn no longer holds it)")
            .Produces<SessionDetail>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<FinnErrorBody>(StatusCodes.Status502BadGateway)
            .Produces<FinnErrorBody>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}
