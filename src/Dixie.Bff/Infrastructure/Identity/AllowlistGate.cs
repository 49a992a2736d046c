using System.Diagnostics.Metrics;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Infrastructure.Identity;

/// <summary>
/// Stage 14 (spec 02 §11, spec 04 §1.3): every `/api` request that is not exempt needs an
/// allowlisted wallet, a listed API key, or the admin key on a route that accepts it. Membership is
/// read from the current allowlist on every request, so a removal takes effect on the next one.
/// </summary>
public sealed class AllowlistGate(RequestDelegate next, CurrentAllowlist allowlist)
{
    public const string Challenge = "Bearer realm=\"dixie-bff\"";

    private static readonly Counter<long> Decisions =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.auth.gate", "{decision}", "Allowlist gate decisions");

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || GateRoutes.IsExempt(request))
            return next(context);

        switch (Decide(RequestIdentity.Of(context), request))
        {
            case GateResult.Pass:
                Count("pass");
                return next(context);
            case GateResult.Unauthorized:
                Count("unauthorized");
                context.Response.Headers.WWWAuthenticate = Challenge;
                return ApiErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", "Authentication required");
            default:
                Count("forbidden");
                return ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", "Not authorized");
        }
    }

    private GateResult Decide(RequestIdentity identity, HttpRequest request) => identity.Kind switch
    {
        IdentityKind.Wallet => allowlist.Snapshot.ContainsWallet(identity.Wallet!) ? GateResult.Pass : GateResult.Forbidden,
        // Only listed keys produce this kind; an unlisted one is anonymous with credential unlisted_api_key.
        IdentityKind.ApiKey => GateResult.Pass,
        IdentityKind.Admin => GateRoutes.AcceptsAdmin(request) ? GateResult.Pass : GateResult.Forbidden,
        _ => identity.Credential == "unlisted_api_key" ? GateResult.Forbidden : GateResult.Unauthorized,
    };

    private static void Count(string result) => Decisions.Add(1, new KeyValuePair<string, object?>("result", result));

    private enum GateResult { Pass, Unauthorized, Forbidden }
}
