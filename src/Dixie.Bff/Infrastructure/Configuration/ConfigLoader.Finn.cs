namespace Dixie.Bff.Infrastructure.Configuration;

// Spec 01 §3.2: loa-finn.
public static partial class ConfigLoader
{
    private static FinnSettings? ReadFinn(EnvReader reader, DixieEnvironment environment)
    {
        var baseUrl = ReadFinnUrl(reader);
        var webSocketUrl = ReadFinnWebSocketUrl(reader, baseUrl);
        var timeout = reader.Int("DIXIE_FINN_TIMEOUT_MS", 1000, 600000, 30000);
        var healthTimeout = reader.Int("DIXIE_FINN_HEALTH_TIMEOUT_MS", 100, 30000, 3000);
        var token = reader.Secret("DIXIE_FINN_AUTH_TOKEN");
        RefuseWhitespace(reader, "DIXIE_FINN_AUTH_TOKEN", token);
        RefusePlaceholder(reader, environment, "DIXIE_FINN_AUTH_TOKEN", token);
        return baseUrl is null || webSocketUrl is null
            ? null
            : new FinnSettings
            {
                BaseUrl = baseUrl,
                WebSocketUrl = webSocketUrl,
                Timeout = TimeSpan.FromMilliseconds(timeout),
                HealthTimeout = TimeSpan.FromMilliseconds(healthTimeout),
                AuthToken = token,
            };
    }

    private static Uri? ReadFinnUrl(EnvReader reader)
    {
        var raw = reader.Scalar("FINN_URL");
        if (raw is null)
        {
            reader.Problem("FINN_URL", "required; set the absolute http(s) URL of loa-finn");
            return null;
        }
        var text = raw.EndsWith('/') ? raw[..^1] : raw;
        var url = AbsoluteUrl(reader, "FINN_URL", text, ["http", "https"]);
        if (url is not null && (url.Query.Length > 0 || url.Fragment.Length > 0))
        {
            reader.Problem("FINN_URL", $"must not have a query or fragment (got {EnvReader.Quote(UrlParts.MaskCredentials(raw))}); a path is allowed");
            return null;
        }
        return url;
    }

    /// <summary>Unset: the finn URL with http→ws, https→wss, same authority and path.</summary>
    private static Uri? ReadFinnWebSocketUrl(EnvReader reader, Uri? baseUrl)
    {
        var raw = reader.Scalar("FINN_WS_URL");
        if (raw is not null)
        {
            return AbsoluteUrl(reader, "FINN_WS_URL", raw, ["ws", "wss"]);
        }
        if (baseUrl is null)
        {
            return null;
        }
        var builder = new UriBuilder(baseUrl) { Scheme = baseUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" };
        return builder.Uri;
    }

    /// <summary>An absolute URL with one of <paramref name="schemes"/>; the problem masks any credentials.</summary>
    private static Uri? AbsoluteUrl(EnvReader reader, string variable, string value, string[] schemes)
    {
        if (EnvReader.ContainsUnexpandedReference(value))
        {
            reader.Problem(variable, EnvReader.UnexpandedReference);
            return null;
        }
        if (Uri.TryCreate(value, UriKind.Absolute, out var url) && schemes.Contains(url.Scheme) && url.Host.Length > 0
            && value.StartsWith(url.Scheme + "://", StringComparison.OrdinalIgnoreCase))
        {
            return url;
        }
        var expected = string.Join(" or ", schemes.Select(scheme => scheme + "://"));
        reader.Problem(variable, $"must be an absolute {expected} URL (got {EnvReader.Quote(UrlParts.MaskCredentials(value))})");
        return null;
    }
}
