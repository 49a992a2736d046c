using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// The auth events of spec 10 §7. Never a token, signature, nonce, SIWE message or raw wallet:
/// wallets appear only as `wallet_hash`.
/// </summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 1700, EventName = LogEvents.SiweLoginFailed, Level = LogLevel.Warning,
        Message = "SIWE sign-in failed: {Reason}")]
    public static partial void SiweLoginFailed(ILogger logger, string reason, string? walletHash, string? detail);

    [LoggerMessage(EventId = 1701, EventName = LogEvents.SiweLoginDenied, Level = LogLevel.Warning,
        Message = "SIWE sign-in denied: wallet not on the allowlist")]
    public static partial void SiweLoginDenied(ILogger logger, string walletHash);

    [LoggerMessage(EventId = 1702, EventName = LogEvents.SiweLogin, Level = LogLevel.Information,
        Message = "SIWE sign-in ({NonceMode} nonce mode)")]
    public static partial void SiweLogin(ILogger logger, string walletHash, string nonceMode);

    [LoggerMessage(EventId = 1703, EventName = LogEvents.TokenRevoked, Level = LogLevel.Information,
        Message = "Token revoked ({Reason})")]
    public static partial void TokenRevoked(ILogger logger, string walletHash, string reason);

    [LoggerMessage(EventId = 1704, EventName = LogEvents.RevocationStoreUnavailable, Level = LogLevel.Error,
        Message = "Revocation store unavailable: revocations are answered from this instance's memory until Redis returns")]
    public static partial void RevocationStoreUnavailable(ILogger logger);

    [LoggerMessage(EventId = 1705, EventName = LogEvents.JwtVerificationFailed, Level = LogLevel.Warning,
        Message = "JWT verification failed: {ErrorType}")]
    public static partial void JwtVerificationFailed(ILogger logger, string errorType);

    [LoggerMessage(EventId = 1706, Level = LogLevel.Debug,
        Message = "Queued revocation written to Redis after {Attempts} attempt(s)")]
    public static partial void RevocationWriteRetried(ILogger logger, int attempts);
}
