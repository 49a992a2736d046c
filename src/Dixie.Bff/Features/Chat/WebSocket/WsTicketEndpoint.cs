using System.Globalization;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dixie.Bff.Features.Chat.WebSocket;

/// <summary>`POST /api/ws/ticket` (spec 05 §5): a 30-second, single-use pass for one WebSocket upgrade.</summary>
public static class WsTicketEndpoint
{
    public static async Task<Results<JsonHttpResult<WsTicketResponse>, JsonHttpResult<ApiError>, JsonHttpResult<RateLimitedError>>> IssueAsync(
        HttpContext context, WsTicketStore tickets)
    {
        var identity = RequestIdentity.Of(context);
        if (identity.Kind != IdentityKind.Wallet || identity.TokenId is null)
            return ApiErrors.Result(StatusCodes.Status401Unauthorized, "unauthorized", "Wallet authentication required");

        var issue = await tickets.IssueAsync(identity.Wallet!, identity.TokenId);
        switch (issue.Outcome)
        {
            case WsTicketOutcome.Issued:
                context.Response.Headers.CacheControl = "no-store";
                return TypedResults.Json(new WsTicketResponse(issue.Ticket, (int)WsTicket.Lifetime.TotalSeconds), WsJson.Default.WsTicketResponse);
            case WsTicketOutcome.Refused:
                context.Response.Headers.RetryAfter = issue.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return TypedResults.Json(new RateLimitedError("rate_limited", "Too many outstanding tickets for this wallet", issue.RetryAfterSeconds),
                    DixieJson.Wire.RateLimitedError, statusCode: StatusCodes.Status429TooManyRequests);
            default:
                return ApiErrors.Result(StatusCodes.Status503ServiceUnavailable, "ticket_store_unavailable", "WebSocket tickets temporarily unavailable");
        }
    }
}
