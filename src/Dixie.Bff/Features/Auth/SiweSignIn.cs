using System.Text.Json;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Logging;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// `POST /api/auth/siwe` (spec 04 §3): the checks of §3.3 in order. Every failure after the body
/// check is the same 401; only the log says why. The nonce is consumed after the signature has
/// verified, so a forged request cannot burn a user's nonce.
/// </summary>
public sealed class SiweSignIn(
    SiweRules rules, NonceStore nonces, RevocationStore revocations, CurrentAllowlist allowlist, AllowlistReloader reloader,
    TokenIssuer issuer, DixieConfig config, ILogger<SiweSignIn> logger)
{
    private static readonly JsonDocumentOptions BodyOptions = new() { MaxDepth = 32 };

    private readonly bool _strict = config.Auth.SiweNonceMode == SiweNonceMode.Strict;

    public async Task<Results<JsonHttpResult<SiweResponse>, JsonHttpResult<ApiError>>> SignInAsync(HttpRequest request, CancellationToken ct)
    {
        // The body is JSON whatever the Content-Type says, as the existing service read it.
        string message, signature;
        try
        {
            using var body = await JsonText.ParseAsync(request.Body, BodyOptions, ct);
            if (body.RootElement.ValueKind != JsonValueKind.Object) return BadRequest("Invalid JSON body");
            if (NonEmptyString(body.RootElement, "message") is not { } m) return BadRequest("message is required");
            if (NonEmptyString(body.RootElement, "signature") is not { } s) return BadRequest("signature is required");
            (message, signature) = (m, s);
        }
        catch (JsonException)
        {
            return BadRequest("Invalid JSON body");
        }

        var parsed = SiweParser.Parse(message);
        if (parsed.Message is not { } siwe) return Failed(parsed.Reason!, parsed.Address, parsed.Detail);
        if (rules.Check(siwe) is { } ruleFailure) return Failed(ruleFailure, siwe.Address);
        if (SiweSignature.Verify(signature, message, siwe.Address) is { } signatureFailure) return Failed(signatureFailure, siwe.Address);

        if (_strict)
        {
            switch (await nonces.ConsumeAsync(siwe.Nonce, ct))
            {
                case NonceConsumption.Unavailable:
                    AuthMetrics.SiweLogin("unavailable");
                    return NonceEndpoint.StoreUnavailable();
                case NonceConsumption.NotFound:
                    return Failed("nonce_not_found", siwe.Address);
            }
        }

        if (await IsAllowlistStaleAsync(siwe.Address, ct)) await reloader.ReloadNowAsync(ct);
        var walletHash = Redaction.Hash12(siwe.Address);
        if (!allowlist.Snapshot.ContainsWallet(siwe.Address))
        {
            AuthLog.SiweLoginDenied(logger, walletHash);
            AuthMetrics.SiweLogin("denied");
            return ApiErrors.Result(StatusCodes.Status403Forbidden, "forbidden", "Wallet not authorized");
        }

        var token = issuer.Issue(siwe.Address);
        AuthLog.SiweLogin(logger, walletHash, _strict ? "strict" : "format");
        AuthMetrics.SiweLogin("ok");
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(
            new SiweResponse(token.Token, siwe.Address, TokenIssuer.ExpiresIn(issuer.TtlSeconds), IsoTime.Format(token.ExpiresAt)),
            AuthJson.Default.SiweResponse);
    }

    /// <summary>
    /// Spec 04 §5.3: a watermark newer than this instance's last successful load means the wallet was
    /// removed (perhaps re-added) after the list in memory was read.
    /// </summary>
    private async Task<bool> IsAllowlistStaleAsync(string wallet, CancellationToken ct) =>
        await revocations.GetWalletWatermarkAsync(wallet, ct) is { } watermark
        && DateTimeOffset.FromUnixTimeSeconds(watermark) > allowlist.LoadedAt;

    private JsonHttpResult<ApiError> Failed(string reason, string? address, string? detail = null)
    {
        AuthLog.SiweLoginFailed(logger, reason, address is null ? null : Redaction.Hash12(address), detail);
        AuthMetrics.SiweLogin("invalid");
        return ApiErrors.Result(StatusCodes.Status401Unauthorized, "invalid_signature", "SIWE verification failed");
    }

    private static JsonHttpResult<ApiError> BadRequest(string message)
    {
        AuthMetrics.SiweLogin("invalid");
        return ApiErrors.Result(StatusCodes.Status400BadRequest, "invalid_request", message);
    }

    private static string? NonEmptyString(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;
}
