using System.Globalization;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dixie.Bff.Features.Auth;

/// <summary>`GET /api/auth/nonce` (spec 04 §2): a fresh nonce, at most 20 outstanding per client IP.</summary>
public static class NonceEndpoint
{
    public static async Task<Results<JsonHttpResult<NonceResponse>, JsonHttpResult<NonceRateLimitedError>, JsonHttpResult<ApiError>>> IssueAsync(
        HttpContext context, NonceStore nonces, CancellationToken ct)
    {
        var issue = await nonces.IssueAsync(context.ClientIp(), ct);
        switch (issue.Outcome)
        {
            case NonceOutcome.Issued:
                context.Response.Headers.CacheControl = "no-store";
                return TypedResults.Json(new NonceResponse(issue.Nonce, IsoTime.Format(issue.IssuedAt), IsoTime.Format(issue.ExpiresAt)),
                    AuthJson.Default.NonceResponse);
            case NonceOutcome.Refused:
                context.Response.Headers.RetryAfter = issue.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return TypedResults.Json(new NonceRateLimitedError("rate_limited", "Too many outstanding nonces", issue.RetryAfterSeconds),
                    AuthJson.Default.NonceRateLimitedError, statusCode: StatusCodes.Status429TooManyRequests);
            default:
                return StoreUnavailable();
        }
    }

    /// <summary>Redis is configured but down: never a fallback to memory, where another instance could not consume the nonce.</summary>
    public static JsonHttpResult<ApiError> StoreUnavailable() =>
        ApiErrors.Result(StatusCodes.Status503ServiceUnavailable, "nonce_store_unavailable", "Sign-in temporarily unavailable");
}
