namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>`NATS_URL`: one or more `nats://` or `tls://` URLs of the same cluster (spec 01 §5).</summary>
internal static class NatsUrl
{
    public const string Variable = "NATS_URL";

    /// <summary>Returns the valid items comma-joined (as NATS.Net expects), or null when unset or invalid.</summary>
    public static string? Parse(EnvReader reader)
    {
        var items = reader.Csv(Variable);
        var servers = new List<string>();
        var valid = true;
        foreach (var (position, item) in items)
        {
            // Items may carry credentials, so a problem names the position, never the text.
            if (EnvReader.ContainsUnexpandedReference(item))
            {
                reader.Problem(Variable, $"item {position} {EnvReader.UnexpandedReference}");
                valid = false;
                continue;
            }
            var url = UrlParts.Parse(item);
            if (url is null || url.Scheme is not ("nats" or "tls") || url.Host.Length == 0
                || url.Path.Trim('/').Length > 0 || url.Query is not null || url.Fragment is not null)
            {
                reader.Problem(Variable, $"item {position} is not a valid NATS URL; expected nats://[user:password@ or token@]host[:port] or tls://…");
                valid = false;
                continue;
            }
            if (!servers.Contains(item, StringComparer.Ordinal))
            {
                servers.Add(item);
            }
        }
        return valid && servers.Count > 0 ? string.Join(',', servers) : null;
    }

    /// <summary>Userinfo (tokens, passwords) of every item, for the production placeholder check.</summary>
    public static IEnumerable<string> Credentials(string natsUrl) =>
        natsUrl.Split(',').Select(UrlParts.Parse).Select(url => url?.UserInfo).OfType<string>();

    public static string Masked(string natsUrl) => string.Join(',', natsUrl.Split(',').Select(UrlParts.MaskCredentials));
}
