using System.Net;
using System.Net.Sockets;

namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>
/// `scheme://[userinfo@]host[:port][/path][?query][#fragment]` split into raw (still percent-encoded)
/// parts. Hand-rolled rather than <see cref="Uri"/> because connection URLs carry passwords with
/// reserved characters, empty hosts (`postgresql:///db?host=/run/postgresql`) and schemes Uri does not know.
/// </summary>
internal sealed record UrlParts(
    string Scheme, string? UserInfo, string Host, bool HostIsIPv6, int? Port, string Path, string? Query, string? Fragment)
{
    /// <summary>Everything after the userinfo, as written.</summary>
    private string AfterUserInfo { get; init; } = "";

    public static UrlParts? Parse(string value)
    {
        var separator = value.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0 || !value[..separator].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
        {
            return null;
        }
        var scheme = value[..separator].ToLowerInvariant();
        var rest = value[(separator + 3)..];
        if (rest.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return null;
        }

        string? fragment = null;
        var hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            fragment = rest[(hash + 1)..];
            rest = rest[..hash];
        }
        string? query = null;
        var question = rest.IndexOf('?');
        if (question >= 0)
        {
            query = rest[(question + 1)..];
            rest = rest[..question];
        }
        var slash = rest.IndexOf('/');
        var authority = slash >= 0 ? rest[..slash] : rest;
        var path = slash >= 0 ? rest[slash..] : "";

        string? userInfo = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            userInfo = authority[..at];
            authority = authority[(at + 1)..];
        }
        if (!TrySplitHostPort(authority, out var host, out var isIPv6, out var port))
        {
            return null;
        }
        var afterUserInfo = value[(separator + 3)..];
        afterUserInfo = at >= 0 ? afterUserInfo[(at + 1)..] : afterUserInfo;
        return new UrlParts(scheme, userInfo, host, isIPv6, port, path, query, fragment) { AfterUserInfo = afterUserInfo };
    }

    private static bool TrySplitHostPort(string authority, out string host, out bool isIPv6, out int? port)
    {
        host = "";
        isIPv6 = false;
        port = null;
        string portText;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(authority[1..close], out var address)
                || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }
            host = authority[1..close];
            isIPv6 = true;
            var after = authority[(close + 1)..];
            if (after.Length == 0)
            {
                return true;
            }
            if (after[0] != ':')
            {
                return false;
            }
            portText = after[1..];
        }
        else
        {
            var colon = authority.IndexOf(':');
            host = colon >= 0 ? authority[..colon] : authority;
            if (!host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~' or '%'))
            {
                return false;
            }
            if (colon < 0)
            {
                return true;
            }
            portText = authority[(colon + 1)..];
        }
        if (!EnvReader.TryParseInteger(portText, 1, 65535, out var parsed))
        {
            return false;
        }
        port = (int)parsed;
        return true;
    }

    /// <summary>The host as it appears in a URL (IPv6 in brackets).</summary>
    public string UrlHost => HostIsIPv6 ? $"[{Host}]" : Host;

    /// <summary>The URL with any userinfo replaced by `***`, for the config check output.</summary>
    public string Masked => UserInfo is null ? $"{Scheme}://{AfterUserInfo}" : $"{Scheme}://***@{AfterUserInfo}";

    public static string Decode(string value) => Uri.UnescapeDataString(value);

    /// <summary>
    /// Masks credentials in any `scheme://userinfo@…` value; other text is returned unchanged. A value
    /// the URL grammar refuses (a bad port, a space or `/` in the password) is masked up to its last
    /// `@`: its password is just as secret, and masking too much only shortens an error message.
    /// </summary>
    public static string MaskCredentials(string value)
    {
        if (Parse(value) is { } url) return url.Masked;
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        var at = value.LastIndexOf('@');
        return scheme < 0 || at < scheme ? value : $"{value[..(scheme + 3)]}***@{value[(at + 1)..]}";
    }
}
