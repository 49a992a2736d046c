using System.Security.Cryptography;
using System.Text;
using Dixie.FinnEmulator.Hosting;

namespace Dixie.FinnEmulator.Pipeline;

public enum BearerVerdict
{
    Allowed,
    Required,
    Invalid,
}

/// <summary>
/// loa-finn's optional <c>FINN_AUTH_TOKEN</c> check (spec 11 §2). Tokens are compared as SHA-256
/// digests in constant time so neither the length nor a prefix leaks through timing.
/// </summary>
public sealed class BearerGate(EmulatorOptions options)
{
    private const string Scheme = "Bearer ";
    private readonly byte[]? _expected = options.AuthToken is { } token ? SHA256.HashData(Encoding.UTF8.GetBytes(token)) : null;

    public bool Enabled => _expected is not null;

    public BearerVerdict Check(string? authorization)
    {
        if (_expected is null)
        {
            return BearerVerdict.Allowed;
        }
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return BearerVerdict.Required;
        }
        return Matches(authorization[Scheme.Length..]) ? BearerVerdict.Allowed : BearerVerdict.Invalid;
    }

    public bool Matches(string? token)
    {
        if (_expected is null)
        {
            return true;
        }
        if (token is null)
        {
            return false;
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Replies.Reply.Sha256(token, digest);
        return CryptographicOperations.FixedTimeEquals(digest, _expected);
    }
}
