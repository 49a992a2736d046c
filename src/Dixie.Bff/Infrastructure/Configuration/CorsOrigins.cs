namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>`DIXIE_CORS_ORIGINS`: exact `scheme://host[:port]` origins (spec 01 §3.1).</summary>
internal static class CorsOrigins
{
    public const string Variable = "DIXIE_CORS_ORIGINS";

    /// <summary>Null when unset (the caller derives the default from the port).</summary>
    public static IReadOnlyList<string>? Parse(EnvReader reader)
    {
        if (!reader.IsSet(Variable))
        {
            return null;
        }
        var origins = new List<string>();
        foreach (var (position, item) in reader.Csv(Variable))
        {
            if (item.Contains('*', StringComparison.Ordinal))
            {
                reader.Problem(Variable, $"item {position} ({EnvReader.Quote(item)}): wildcards are not allowed because credentials are allowed; list each origin");
                continue;
            }
            var origin = Normalize(item);
            if (origin is null)
            {
                reader.Problem(Variable, $"item {position} ({EnvReader.Quote(item)}) must be an origin scheme://host[:port] with scheme http or https and no path, query or fragment");
                continue;
            }
            if (!origins.Contains(origin, StringComparer.Ordinal))
            {
                origins.Add(origin);
            }
        }
        return origins;
    }

    /// <summary>`scheme://host[:port]` as browsers send it in `Origin` (lower-case, default port omitted).</summary>
    public static string? Normalize(string item)
    {
        var text = item.EndsWith('/') ? item[..^1] : item;
        var url = UrlParts.Parse(text);
        if (url is null || url.Scheme is not ("http" or "https") || url.Host.Length == 0 || url.UserInfo is not null
            || url.Path.Length > 0 || url.Query is not null || url.Fragment is not null || EnvReader.ContainsUnexpandedReference(text))
        {
            return null;
        }
        var defaultPort = url.Scheme == "http" ? 80 : 443;
        var port = url.Port is int p && p != defaultPort ? $":{p}" : "";
        return $"{url.Scheme}://{url.UrlHost.ToLowerInvariant()}{port}";
    }

    /// <summary>The authority (`host` or `host:port`) of a normalized origin, for the SIWE domain default.</summary>
    public static string Authority(string origin) => origin[(origin.IndexOf("://", StringComparison.Ordinal) + 3)..];
}
