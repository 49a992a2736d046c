using System.Diagnostics.Metrics;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Features.Auth;

/// <summary>The auth instruments of spec 10 §6 (the gate counter belongs to the gate).</summary>
internal static class AuthMetrics
{
    private static readonly Counter<long> SiweLogins =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.auth.siwe.logins", "{login}", "SIWE sign-in attempts by outcome");

    private static readonly Counter<long> RevocationFallbacks =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.auth.revocation_fallback", "{request}",
            "Revocation checks answered from process memory because Redis was unavailable");

    /// <summary><paramref name="outcome"/> ∈ ok, invalid, denied, unavailable.</summary>
    public static void SiweLogin(string outcome) => SiweLogins.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void RevocationFallback() => RevocationFallbacks.Add(1);
}
