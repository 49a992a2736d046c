namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>`redis://[user:password@ | :password@]host[:port][/db]`, `rediss://` with TLS (spec 01 §5).</summary>
internal static class RedisUrl
{
    public const string Variable = "REDIS_URL";
    private const string Expected = "expected redis://[user:password@ or :password@]host[:port][/db] or rediss://…";

    public static RedisSettings? Parse(string value, EnvReader reader)
    {
        if (EnvReader.ContainsUnexpandedReference(value))
        {
            reader.Problem(Variable, EnvReader.UnexpandedReference);
            return null;
        }
        var url = UrlParts.Parse(value);
        if (url is null || url.Scheme is not ("redis" or "rediss"))
        {
            reader.Problem(Variable, $"not a valid Redis URL; {Expected}");
            return null;
        }
        if (url.Host.Length == 0 || url.Fragment is not null)
        {
            reader.Problem(Variable, $"not a valid Redis URL (no host); {Expected}");
            return null;
        }
        string? user = null;
        string? password = null;
        if (url.UserInfo is { } userInfo)
        {
            var colon = userInfo.IndexOf(':');
            if (colon < 0)
            {
                reader.Problem(Variable, "userinfo without a password separator; use :password@ or user:password@");
                return null;
            }
            user = colon > 0 ? UrlParts.Decode(userInfo[..colon]) : null;
            password = UrlParts.Decode(userInfo[(colon + 1)..]);
        }
        var databaseText = url.Path.TrimStart('/');
        long database = 0;
        if (databaseText.Length > 0 && !EnvReader.TryParseInteger(databaseText, 0, int.MaxValue, out database))
        {
            reader.Problem(Variable, $"the database after the host must be a non-negative integer (got {EnvReader.Quote(databaseText)})");
            return null;
        }
        if (!string.IsNullOrEmpty(url.Query))
        {
            reader.Warn(Variable, "query parameters are ignored");
        }
        return new RedisSettings
        {
            Host = url.Host,
            Port = url.Port ?? 6379,
            User = user,
            Password = string.IsNullOrEmpty(password) ? null : password,
            Database = (int)database,
            UseTls = url.Scheme == "rediss",
        };
    }
}
