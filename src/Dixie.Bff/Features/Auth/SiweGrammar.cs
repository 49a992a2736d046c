using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// The RFC 3986 and RFC 3339 productions the EIP-4361 grammar is built from (spec 04 §3.2). Each
/// check is exact: nothing is trimmed, normalised or guessed.
/// </summary>
internal static class SiweGrammar
{
    private const string Alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Digit = "0123456789";
    private const string Unreserved = Alpha + Digit + "-._~";
    private const string SubDelims = "!$&'()*+,;=";
    private const string GenDelims = ":/?#[]@";

    private static readonly SearchValues<char> AlphaNumeric = SearchValues.Create(Alpha + Digit);
    private static readonly SearchValues<char> Digits = SearchValues.Create(Digit);
    private static readonly SearchValues<char> SchemeChars = SearchValues.Create(Alpha + Digit + "+-.");
    private static readonly SearchValues<char> StatementChars = SearchValues.Create(Unreserved + SubDelims + GenDelims + " ");
    // Without pct-encoded: `%` is checked separately because it needs two hex digits after it.
    private static readonly SearchValues<char> RegNameChars = SearchValues.Create(Unreserved + SubDelims);
    private static readonly SearchValues<char> UserInfoChars = SearchValues.Create(Unreserved + SubDelims + ":");
    private static readonly SearchValues<char> PChars = SearchValues.Create(Unreserved + SubDelims + ":@");
    private static readonly SearchValues<char> PathChars = SearchValues.Create(Unreserved + SubDelims + ":@/");
    private static readonly SearchValues<char> QueryChars = SearchValues.Create(Unreserved + SubDelims + ":@/?");
    private static readonly SearchValues<char> HexDigits = SearchValues.Create(Digit + "abcdefABCDEF");
    private static readonly SearchValues<char> IpFutureChars = SearchValues.Create(Unreserved + SubDelims + ":");

    public const int MaxUriLength = 2048;
    public const int MaxHostLength = 255;

    public static bool IsAlphaNumeric(ReadOnlySpan<char> value) => !value.ContainsAnyExcept(AlphaNumeric);

    public static bool IsDigits(ReadOnlySpan<char> value) => value.Length > 0 && !value.ContainsAnyExcept(Digits);

    public static bool IsScheme(ReadOnlySpan<char> value) =>
        value.Length > 0 && char.IsAsciiLetter(value[0]) && !value.ContainsAnyExcept(SchemeChars);

    /// <summary>`1*( reserved / unreserved / " " )`: no `%`, no control characters.</summary>
    public static bool IsStatement(ReadOnlySpan<char> value) => value.Length > 0 && !value.ContainsAnyExcept(StatementChars);

    /// <summary>`*pchar`.</summary>
    public static bool IsPChars(ReadOnlySpan<char> value) => IsEncoded(value, PChars);

    /// <summary>
    /// The EIP-4361 `domain`: an RFC 3986 authority without userinfo. Returns the host (an IPv6
    /// literal keeps its brackets) and the port when there is one.
    /// </summary>
    public static bool TryParseDomain(string value, out string host, out int? port)
    {
        host = "";
        port = null;
        string? portText = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !IsIpLiteral(value.AsSpan(1, close - 1))) return false;
            host = value[..(close + 1)];
            var rest = value[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') return false;
                portText = rest[1..];
            }
        }
        else
        {
            // A reg-name cannot contain `:`, so the first one starts the port.
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? value : value[..colon];
            portText = colon < 0 ? null : value[(colon + 1)..];
            if (!IsEncoded(host, RegNameChars)) return false;
        }
        if (host.Length is 0 or > MaxHostLength) return false;
        if (portText is null) return true;
        if (portText.Length is 0 or > 5 || !IsDigits(portText)) return false;
        var number = int.Parse(portText, NumberStyles.None, CultureInfo.InvariantCulture);
        if (number is < 1 or > 65535) return false;
        port = number;
        return true;
    }

    /// <summary>An absolute RFC 3986 URI: `scheme ":" hier-part [ "?" query ] [ "#" fragment ]`, at most 2048 characters.</summary>
    public static bool IsAbsoluteUri(string value)
    {
        if (value.Length is 0 or > MaxUriLength) return false;
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1 || !IsScheme(value.AsSpan(0, colon))) return false;
        var rest = value.AsSpan(colon + 1);

        var hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            if (!IsEncoded(rest[(hash + 1)..], QueryChars)) return false;
            rest = rest[..hash];
        }
        var question = rest.IndexOf('?');
        if (question >= 0)
        {
            if (!IsEncoded(rest[(question + 1)..], QueryChars)) return false;
            rest = rest[..question];
        }
        if (!rest.StartsWith("//")) return IsEncoded(rest, PathChars);

        var authority = rest[2..];
        var slash = authority.IndexOf('/');
        if (slash >= 0)
        {
            if (!IsEncoded(authority[slash..], PathChars)) return false;
            authority = authority[..slash];
        }
        return IsAuthority(authority);
    }

    private static bool IsAuthority(ReadOnlySpan<char> authority)
    {
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            if (!IsEncoded(authority[..at], UserInfoChars)) return false;
            authority = authority[(at + 1)..];
        }
        ReadOnlySpan<char> port = [];
        if (authority.StartsWith("["))
        {
            var close = authority.IndexOf(']');
            if (close < 0 || !IsIpLiteral(authority[1..close])) return false;
            var rest = authority[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') return false;
                port = rest[1..];
            }
        }
        else
        {
            var colon = authority.IndexOf(':');
            if (colon >= 0)
            {
                port = authority[(colon + 1)..];
                authority = authority[..colon];
            }
            if (!IsEncoded(authority, RegNameChars)) return false;
        }
        // `port = *DIGIT` in a URI (empty allowed); only the message's own domain needs 1..65535.
        return !port.ContainsAnyExcept(Digits);
    }

    /// <summary>`IPv6address / IPvFuture` inside brackets.</summary>
    private static bool IsIpLiteral(ReadOnlySpan<char> literal)
    {
        if (literal.Length > 1 && literal[0] is 'v' or 'V')
        {
            var dot = literal.IndexOf('.');
            return dot > 1 && !literal[1..dot].ContainsAnyExcept(HexDigits)
                && dot < literal.Length - 1 && !literal[(dot + 1)..].ContainsAnyExcept(IpFutureChars);
        }
        // Zone ids (`%25eth0`) are not part of RFC 3986's IPv6address.
        return !literal.Contains('%') && IPAddress.TryParse(literal, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    /// <summary>Characters from <paramref name="allowed"/> or `%` followed by two hex digits.</summary>
    private static bool IsEncoded(ReadOnlySpan<char> value, SearchValues<char> allowed)
    {
        var index = value.IndexOfAnyExcept(allowed);
        while (index >= 0)
        {
            if (value[index] != '%' || index + 2 >= value.Length
                || !char.IsAsciiHexDigit(value[index + 1]) || !char.IsAsciiHexDigit(value[index + 2]))
            {
                return false;
            }
            value = value[(index + 3)..];
            index = value.IndexOfAnyExcept(allowed);
        }
        return true;
    }
}
