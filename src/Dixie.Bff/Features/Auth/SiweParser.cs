using System.Globalization;
using System.Text;
using Dixie.Bff.Infrastructure.Identity;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// The strict EIP-4361 parser of spec 04 §3.2. It reads fields only and never re-serialises the
/// message: the signature is checked over the exact bytes that were sent.
/// </summary>
public static class SiweParser
{
    public const int MaxMessageBytes = 4096;
    public const int MaxStatementLength = 1024;
    public const int MaxRequestIdLength = 256;
    public const int MaxResources = 32;

    public const string ParseError = "parse_error";
    public const string MessageTooLarge = "message_too_large";
    public const string AddressNotChecksummed = "address_not_checksummed";

    private const string HeaderSuffix = " wants you to sign in with your Ethereum account:";

    public static SiweParse Parse(string message)
    {
        if (Encoding.UTF8.GetByteCount(message) > MaxMessageBytes) return SiweParse.Failure(MessageTooLarge, "message exceeds 4096 bytes");
        if (message.Contains('\r', StringComparison.Ordinal)) return SiweParse.Failure(ParseError, "carriage return in message");
        var lines = new Lines(message.Split('\n'));

        var header = lines.Next() ?? "";
        if (!header.EndsWith(HeaderSuffix, StringComparison.Ordinal)) return lines.Fail("header");
        var authority = header[..^HeaderSuffix.Length];
        string? scheme = null;
        var schemeEnd = authority.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            scheme = authority[..schemeEnd];
            authority = authority[(schemeEnd + 3)..];
            if (!SiweGrammar.IsScheme(scheme) || !(Is(scheme, "http") || Is(scheme, "https"))) return lines.Fail("scheme");
        }
        // Userinfo would let `trusted.com@evil.com` pass a careless domain comparison.
        if (authority.Contains('@', StringComparison.Ordinal) || !SiweGrammar.TryParseDomain(authority, out var host, out var port))
            return lines.Fail("domain");

        var address = lines.Next();
        if (!WalletAddress.IsWellFormed(address)) return lines.Fail("address");
        lines.Address = address;
        if (lines.Next() != "") return lines.Fail("empty line after address");

        // A statement is always followed by an empty line; without one, one or two empty lines are accepted.
        string? statement = null;
        if (lines.Peek() == "")
        {
            lines.Next();
        }
        else if (lines.Peek(1) == "")
        {
            statement = lines.Next()!;
            if (statement.Length > MaxStatementLength || !SiweGrammar.IsStatement(statement)) return lines.Fail("statement");
            lines.Next();
        }

        if (lines.Field("URI: ") is not { } uri || !SiweGrammar.IsAbsoluteUri(uri)) return lines.Fail("URI");
        if (lines.Next() != "Version: 1") return lines.Fail("Version");
        if (lines.Field("Chain ID: ") is not { } chainText || !TryParseChainId(chainText, out var chainId)) return lines.Fail("Chain ID");
        if (lines.Field("Nonce: ") is not { Length: >= 8 and <= 64 } nonce || !SiweGrammar.IsAlphaNumeric(nonce)) return lines.Fail("Nonce");
        if (lines.Field("Issued At: ") is not { } issuedText || !SiweTime.TryParse(issuedText, out var issuedAt)) return lines.Fail("Issued At");

        DateTimeOffset? expiration = null, notBefore = null;
        if (lines.OptionalField("Expiration Time: ") is { } expirationText)
        {
            if (!SiweTime.TryParse(expirationText, out var value)) return lines.Fail("Expiration Time");
            expiration = value;
        }
        if (lines.OptionalField("Not Before: ") is { } notBeforeText)
        {
            if (!SiweTime.TryParse(notBeforeText, out var value)) return lines.Fail("Not Before");
            notBefore = value;
        }
        var requestId = lines.OptionalField("Request ID: ");
        if (requestId is not null && (requestId.Length > MaxRequestIdLength || !SiweGrammar.IsPChars(requestId))) return lines.Fail("Request ID");

        var resources = new List<string>();
        if (lines.Peek() == "Resources:")
        {
            lines.Next();
            while (lines.OptionalField("- ") is { } resource)
            {
                if (!SiweGrammar.IsAbsoluteUri(resource) || resources.Count == MaxResources) return lines.Fail("Resources");
                resources.Add(resource);
            }
        }
        if (lines.Peek() is not null) return lines.Fail("unexpected line", consumed: false);

        if (!WalletAddress.IsChecksummed(address)) return SiweParse.Failure(AddressNotChecksummed, "address is not in EIP-55 form", address);
        return SiweParse.Success(new SiweMessage
        {
            Scheme = scheme,
            Domain = authority,
            Host = host,
            Port = port,
            Address = address!,
            Statement = statement,
            Uri = uri,
            ChainId = chainId,
            Nonce = nonce,
            IssuedAt = issuedAt,
            ExpirationTime = expiration,
            NotBefore = notBefore,
            RequestId = requestId,
            Resources = resources,
        });
    }

    /// <summary>`1*DIGIT` whose value is at most 2^63 − 1; leading zeros are allowed.</summary>
    private static bool TryParseChainId(string text, out long chainId)
    {
        chainId = 0;
        if (!SiweGrammar.IsDigits(text)) return false;
        var significant = text.TrimStart('0');
        if (significant.Length == 0) return true;
        return significant.Length <= 19 && long.TryParse(significant, NumberStyles.None, CultureInfo.InvariantCulture, out chainId);
    }

    private static bool Is(string value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>A cursor over the message's lines that remembers where parsing stopped, for the log.</summary>
    private sealed class Lines(string[] lines)
    {
        private int _next;

        public string? Address { get; set; }

        public string? Peek(int ahead = 0) => _next + ahead < lines.Length ? lines[_next + ahead] : null;

        public string? Next() => _next < lines.Length ? lines[_next++] : null;

        /// <summary>The rest of the next line after <paramref name="prefix"/>; null (nothing consumed) when the line is not that field.</summary>
        public string? OptionalField(string prefix)
        {
            if (Peek() is not { } line || !line.StartsWith(prefix, StringComparison.Ordinal)) return null;
            _next++;
            return line[prefix.Length..];
        }

        /// <summary>Like <see cref="OptionalField"/>, but the line is consumed either way so the failure names it.</summary>
        public string? Field(string prefix)
        {
            var value = OptionalField(prefix);
            if (value is null) _next++;
            return value;
        }

        public SiweParse Fail(string what, bool consumed = true) =>
            SiweParse.Failure(ParseError, $"line {(consumed ? _next : _next + 1)}: {what}", Address);
    }
}
