using Npgsql;

namespace Dixie.Bff.Infrastructure.Postgres;

/// <summary>Connection strings derived from the configured one (spec 09 §2.2).</summary>
public static class PostgresConnectionStrings
{
    /// <summary>
    /// The same settings with `Pooling=false`, for the long-lived connections (migrations, the outbox
    /// LISTEN and the fleet monitor's leadership lock): they never take a request's pool slot, and closing
    /// one really ends its session — with the locks it holds, which pooled sessions never do (ADR-016).
    /// </summary>
    public static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
}
