using Npgsql;

namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>
/// `DATABASE_URL` in URL or Npgsql key=value form → Npgsql connection string with the data-source
/// settings of spec 09 §2.2 (spec 01 §5). Problems never echo the value: it holds a password.
/// </summary>
internal static class DatabaseUrl
{
    public const string Variable = "DATABASE_URL";
    private const string Invalid = "not a valid connection string; expected postgresql://user:password@host:port/database or Host=…;Username=…;Password=…;Database=…";
    private const int DefaultPoolSize = 10;
    private const int CommandTimeoutSeconds = 30;
    private const int ConnectTimeoutSeconds = 5;
    private const int DefaultMaxAutoPrepare = 64;

    private static readonly Dictionary<string, SslMode> SslModes = new(StringComparer.Ordinal)
    {
        ["disable"] = SslMode.Disable, ["allow"] = SslMode.Allow, ["prefer"] = SslMode.Prefer,
        ["require"] = SslMode.Require, ["verify-ca"] = SslMode.VerifyCA, ["verify-full"] = SslMode.VerifyFull,
    };

    /// <summary>Returns the finished connection string, or null after recording problems.</summary>
    public static string? Parse(string value, int? poolSize, EnvReader reader)
    {
        if (EnvReader.ContainsUnexpandedReference(value))
        {
            reader.Problem(Variable, EnvReader.UnexpandedReference);
            return null;
        }
        var isUrl = value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);
        NpgsqlConnectionStringBuilder? builder;
        try
        {
            builder = isUrl ? FromUrl(value, reader) : FromKeyValue(value, reader);
        }
        catch (ArgumentException)
        {
            // A setting Npgsql rejects; its message may quote the value, so only the fact is reported.
            reader.Problem(Variable, Invalid);
            return null;
        }
        if (builder is null)
        {
            return null;
        }
        if (string.IsNullOrEmpty(builder.Host))
        {
            reader.Problem(Variable, Invalid + " (no host)");
            return null;
        }
        Apply(builder, poolSize);
        return builder.ConnectionString;
    }

    /// <summary>Spec 09 §2.2: values the connection string names are kept, except the ones we always own.</summary>
    private static void Apply(NpgsqlConnectionStringBuilder builder, int? poolSize)
    {
        if (poolSize is int size)
        {
            builder.MaxPoolSize = size;
        }
        else if (!IsGiven(builder, "Maximum Pool Size"))
        {
            builder.MaxPoolSize = DefaultPoolSize;
        }
        if (!IsGiven(builder, "Timeout"))
        {
            builder.Timeout = ConnectTimeoutSeconds;
        }
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "dixie-bff";
        }
        builder.CommandTimeout = CommandTimeoutSeconds;
        // PostgreSQL's DETAIL text can contain row values (wallets); it must never reach messages or logs.
        builder.IncludeErrorDetail = false;
        // ADR-016: pooled sessions never carry session state, so handing one back needs no `DISCARD ALL`
        // (an extra statement per checkout), and the hot statements stay prepared across checkouts.
        builder.NoResetOnClose = true;
        if (!IsGiven(builder, "Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }
    }

    private static bool IsGiven(NpgsqlConnectionStringBuilder builder, string keyword) =>
        builder.Keys.Cast<string>().Contains(keyword, StringComparer.OrdinalIgnoreCase);

    private static NpgsqlConnectionStringBuilder? FromKeyValue(string value, EnvReader reader)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(value);
        }
        catch (Exception)
        {
            // The exception text may quote the value; only the fact is reported.
            reader.Problem(Variable, Invalid);
            return null;
        }
    }

    private static NpgsqlConnectionStringBuilder? FromUrl(string value, EnvReader reader)
    {
        var url = UrlParts.Parse(value);
        if (url is null || url.Fragment is not null || url.Host.Contains(',', StringComparison.Ordinal))
        {
            reader.Problem(Variable, Invalid);
            return null;
        }
        var builder = new NpgsqlConnectionStringBuilder { Host = url.Host, Port = url.Port ?? 5432 };
        if (url.UserInfo is { } userInfo)
        {
            var colon = userInfo.IndexOf(':');
            builder.Username = UrlParts.Decode(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0)
            {
                builder.Password = UrlParts.Decode(userInfo[(colon + 1)..]);
            }
        }
        var database = UrlParts.Decode(url.Path.TrimStart('/'));
        // libpq's default: the database is named after the user.
        builder.Database = database.Length > 0 ? database : builder.Username;
        return ApplyQuery(builder, url.Query, reader) ? builder : null;
    }

    private static bool ApplyQuery(NpgsqlConnectionStringBuilder builder, string? query, EnvReader reader)
    {
        var valid = true;
        foreach (var pair in (query ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = UrlParts.Decode(equals >= 0 ? pair[..equals] : pair);
            var value = UrlParts.Decode(equals >= 0 ? pair[(equals + 1)..] : "");
            switch (name)
            {
                case "sslmode" when SslModes.TryGetValue(value, out var mode):
                    builder.SslMode = mode;
                    break;
                case "sslmode":
                    reader.Problem(Variable, $"sslmode must be one of {string.Join(", ", SslModes.Keys)} (got {EnvReader.Quote(value)})");
                    valid = false;
                    break;
                case "connect_timeout" when EnvReader.TryParseInteger(value, 0, 1024, out var seconds):
                    builder.Timeout = (int)seconds;
                    break;
                case "connect_timeout":
                    reader.Problem(Variable, $"connect_timeout must be a whole number of seconds from 0 to 1024 (got {EnvReader.Quote(value)})");
                    valid = false;
                    break;
                case "sslrootcert":
                    builder.RootCertificate = value;
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "options":
                    builder.Options = value;
                    break;
                case "host":
                    builder.Host = value;
                    break;
                default:
                    reader.Problem(Variable, $"unknown query parameter {EnvReader.Quote(name)}; supported: sslmode, sslrootcert, application_name, connect_timeout, options, host");
                    valid = false;
                    break;
            }
        }
        return valid;
    }

    /// <summary>The connection string with its password replaced by `***`, for the config check.</summary>
    public static string Masked(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.Password))
        {
            builder.Password = "***";
        }
        return builder.ConnectionString;
    }

    public static string? Password(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Password;
}
